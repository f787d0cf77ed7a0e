/**
 * Issue #17: a session's predecessor (`PUT .../previous`), the predecessor's open follow-ups and
 * carrying one over (`.../carry-over`), and one person's follow-ups across every event the caller
 * may read (`GET /api/followups?assignee=`). Role checks happen here, before the services are called.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  CarriedResponse,
  CarryOverBody,
  CarryOverResponse,
  ERROR_RESPONSES,
  NoQuery,
  PersonFollowupsQuery,
  PersonFollowupsResponse,
  PreviousBody,
  PreviousResponse,
  SessionParams,
} from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { Followup } from '../../shared/followups.ts';
import { can } from '../../shared/roles.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import type { CarryOverService } from '../sessions/carry-over-service.ts';
import type { FollowupsService } from '../sessions/followups-service.ts';
import { tokenOf } from './request-token.ts';

export interface CarryOverRoutesOptions {
  meta: MetaService;
  access: AccessPolicy;
  followups: FollowupsService;
  carryOver: CarryOverService;
}

const tags = ['action items'];

export async function carryOverRoutes(fastify: FastifyInstance, { meta, access, followups, carryOver }: CarryOverRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.put(
    '/api/sessions/:sessionId/previous',
    { schema: { tags: ['events'], summary: "Set or clear the session's predecessor (admin or the session's lead)", params: SessionParams, body: PreviousBody, response: { 200: PreviousResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'manage');
      const session = await meta.setPrevious(request.params.sessionId, request.body.previous);
      return { sessionId: session.id, previous: session.previous ?? null };
    },
  );

  app.get(
    '/api/sessions/:sessionId/carry-over',
    { schema: { tags, summary: "The predecessor's open and in-progress follow-ups and its decisions (read)", params: SessionParams, querystring: NoQuery, response: { 200: CarryOverResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
      return carryOver.list(request.params.sessionId);
    },
  );

  app.post(
    '/api/sessions/:sessionId/carry-over',
    { schema: { tags, summary: "Carry one of the predecessor's follow-ups over as a linked action item (assign: lead or admin)", params: SessionParams, body: CarryOverBody, response: { 201: CarriedResponse, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const who = access.inSession(request.params.sessionId, tokenOf(request));
      access.require(who, 'assign');
      const { actionId, by } = request.body;
      const item = await carryOver.carry(request.params.sessionId, actionId, `${by ?? who.via} (${who.role})`);
      return reply.status(201).send(item);
    },
  );

  app.get(
    '/api/followups',
    { schema: { tags, summary: "One person's follow-ups across every event the caller may read", querystring: PersonFollowupsQuery, response: { 200: PersonFollowupsResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const token = tokenOf(request);
      // An unknown or revoked token is refused, never silently read as anonymous (as per event).
      if (token !== undefined && !access.isAdmin(token) && !meta.findToken(token)) throw new AppError('FORBIDDEN', 'This link is not valid (revoked, or unknown).');
      const { assignee, status } = request.query;
      const items: Followup[] = [];
      for (const event of meta.listEvents()) {
        if (!can(readerIn(access, event.id, token), 'read')) continue;
        items.push(...(await followups.listEvent(event.id, { assignee, ...(status ? { status } : {}) })));
      }
      return { assignee, items };
    },
  );
}

/** The caller's role in an event: its token's role there, else what anyone gets there. */
function readerIn(access: AccessPolicy, eventId: string, token: string | undefined) {
  try {
    return access.inEvent(eventId, token).role;
  } catch (error) {
    if (error instanceof AppError && error.code === 'FORBIDDEN') return access.inEvent(eventId, undefined).role;
    throw error;
  }
}
