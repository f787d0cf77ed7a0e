/**
 * Action items and follow-ups: per session (list, capture, edit, assign) and across an event (the
 * board, with CSV and iCalendar downloads). Role checks happen here, before the service is called.
 */
import type { FastifyInstance } from 'fastify';
import { FOLLOWUP_STATUSES } from '../../shared/followups.ts';
import type { FollowupFilter, FollowupsService, ItemPatch } from '../sessions/followups-service.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { followupsCsv, followupsICalendar } from '../export/followups-calendar.ts';
import { tokenOf } from './request-token.ts';
import { eventParams, idSchema, paramsSchema, sessionParams } from './schemas.ts';

export interface FollowupRoutesOptions {
  meta: MetaService;
  access: AccessPolicy;
  followups: FollowupsService;
}

const assigneeSchema = {
  type: ['object', 'null'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', format: 'email', maxLength: 254 } },
  required: ['name'],
  additionalProperties: false,
} as const;
const itemParams = paramsSchema({ sessionId: idSchema, itemId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } });

export async function followupRoutes(app: FastifyInstance, { meta, access, followups }: FollowupRoutesOptions): Promise<void> {
  app.get<{ Params: { sessionId: string } }>(
    '/api/sessions/:sessionId/action-items',
    { schema: { params: sessionParams, querystring: { type: 'object', properties: {}, additionalProperties: false } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
      return { items: await followups.listSession(request.params.sessionId) };
    },
  );

  app.post<{ Params: { sessionId: string }; Body: { topicId: string; text: string; createdBy?: string } }>(
    '/api/sessions/:sessionId/action-items',
    {
      schema: {
        params: sessionParams,
        body: {
          type: 'object',
          properties: { topicId: idSchema, text: { type: 'string', minLength: 1, maxLength: 2000 }, createdBy: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['topicId', 'text'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const who = access.inSession(request.params.sessionId, tokenOf(request));
      access.require(who, 'edit');
      const { topicId, text, createdBy } = request.body;
      const item = await followups.addItem(request.params.sessionId, topicId, text, createdBy ?? who.via);
      return reply.status(201).send(item);
    },
  );

  app.patch<{ Params: { sessionId: string; itemId: string }; Body: ItemPatch & { by?: string } }>(
    '/api/sessions/:sessionId/action-items/:itemId',
    {
      schema: {
        params: itemParams,
        body: {
          type: 'object',
          properties: {
            text: { type: 'string', minLength: 1, maxLength: 2000 },
            done: { type: 'boolean' },
            assignee: assigneeSchema,
            due: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
            status: { type: 'string', enum: [...FOLLOWUP_STATUSES] },
            by: { type: 'string', minLength: 1, maxLength: 200 },
          },
          additionalProperties: false,
          minProperties: 1,
        },
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

  app.get<{ Params: { eventId: string }; Querystring: FollowupFilter & { format?: 'json' | 'csv' | 'ics' } }>(
    '/api/events/:eventId/followups',
    {
      schema: {
        params: eventParams,
        querystring: {
          type: 'object',
          properties: {
            assignee: { type: 'string', minLength: 1, maxLength: 254 },
            status: { type: 'string', enum: [...FOLLOWUP_STATUSES] },
            session: idSchema,
            format: { type: 'string', enum: ['json', 'csv', 'ics'] },
          },
          additionalProperties: false,
        },
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
