/**
 * Action items and follow-ups: per session (list, capture, edit, assign) and across an event (the
 * board, with CSV and iCalendar downloads). Role checks happen here, before the service is called.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  ActionItemParams,
  ActionItemPatchBody,
  ActionItemsResponse,
  ApiFollowupExample,
  ERROR_RESPONSES,
  EventFollowupsQuery,
  EventFollowupsResponse,
  EventParams,
  MediaBody,
  NewActionItemBody,
  NoQuery,
  SessionParams,
} from '../../shared/api.ts';
import type { FollowupsService } from '../sessions/followups-service.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { followupsCsv, followupsICalendar } from '../export/followups-calendar.ts';
import { tokenOf } from './request-token.ts';

export interface FollowupRoutesOptions {
  meta: MetaService;
  access: AccessPolicy;
  followups: FollowupsService;
}

const tags = ['action items'];

/** JSON, or with `format=csv` / `format=ics` a CSV or iCalendar download. */
const eventFollowupsResponse = {
  description: 'The follow-ups (JSON), or a CSV or iCalendar download (format=csv, format=ics).',
  content: {
    'application/json': { schema: EventFollowupsResponse },
    ...MediaBody(['text/csv', 'text/calendar'], '').content,
  },
};

export async function followupRoutes(fastify: FastifyInstance, { meta, access, followups }: FollowupRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/sessions/:sessionId/action-items',
    { schema: { tags, summary: "A session's action items with their follow-up fields (read)", params: SessionParams, querystring: NoQuery, response: { 200: ActionItemsResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
      return { items: await followups.listSession(request.params.sessionId) };
    },
  );

  app.post(
    '/api/sessions/:sessionId/action-items',
    { schema: { tags, summary: 'Capture an action item under a topic (edit)', params: SessionParams, body: NewActionItemBody, response: { 201: ApiFollowupExample, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const who = access.inSession(request.params.sessionId, tokenOf(request));
      access.require(who, 'edit');
      const { topicId, text, createdBy } = request.body;
      const item = await followups.addItem(request.params.sessionId, topicId, text, createdBy ?? who.via);
      return reply.status(201).send(item);
    },
  );

  app.patch(
    '/api/sessions/:sessionId/action-items/:itemId',
    {
      schema: {
        tags,
        summary: 'Edit an action item (text, done: edit) or assign it (assignee, due, status: assign)',
        params: ActionItemParams,
        body: ActionItemPatchBody,
        response: { 200: ApiFollowupExample, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const who = access.inSession(request.params.sessionId, tokenOf(request));
      const { by, ...patch } = request.body;
      if (patch.text !== undefined || patch.done !== undefined) access.require(who, 'edit');
      if (patch.assignee !== undefined || patch.due !== undefined || patch.status !== undefined) access.require(who, 'assign');
      const author = by ? `${by} (${who.role})` : `${who.via} (${who.role})`;
      return followups.updateItem(request.params.sessionId, request.params.itemId, patch, author);
    },
  );

  app.get(
    '/api/events/:eventId/followups',
    {
      schema: {
        tags,
        summary: "The event's follow-up board, filtered (read on the event)",
        params: EventParams,
        querystring: EventFollowupsQuery,
        response: { 200: eventFollowupsResponse, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { eventId } = request.params;
      access.require(access.inEvent(eventId, tokenOf(request)), 'read');
      const { format = 'json', ...filter } = request.query;
      const items = await followups.listEvent(eventId, filter);
      switch (format) {
        case 'json':
          return { eventId, items };
        case 'csv':
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${eventId}-followups.csv"`)
            .send(followupsCsv(items));
        case 'ics': {
          const { event } = meta.getEvent(eventId);
          return reply
            .type('text/calendar; charset=utf-8')
            .header('content-disposition', `attachment; filename="${eventId}-followups.ics"`)
            .send(followupsICalendar(items, `${event.title} follow-ups`, request.hostname.replace(/:\d+$/, '') || 'mcpad'));
        }
      }
    },
  );
}
