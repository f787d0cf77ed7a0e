/**
 * The organiser's and leads' edits (issue #15): create an event, change a session, add, rename and
 * reorder topics, archive a session, read the audit log. Every write is recorded in the audit log
 * with who made it (role and link label). The event edit (`PATCH /api/events/:eventId`) is in
 * token-routes.ts, where event access always was.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ApiEventRecord,
  ApiSession,
  ApiTopicAnswer,
  ArchivedBody,
  AuditQuery,
  AuditResponse,
  ERROR_RESPONSES,
  EventParams,
  NewEventBody,
  NewTopicBody,
  SessionParams,
  SessionPatchBody,
  TopicOrderBody,
  TopicParams,
  TopicPatchBody,
} from '../../shared/api.ts';
import type { Session } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import type { SessionEditor } from '../sessions/session-editor.ts';
import { requireAdmin } from './admin-auth.ts';
import { bearerOf, tokenOf } from './request-token.ts';

export interface SessionEditRoutesOptions {
  meta: MetaService;
  docs: DocService;
  access: AccessPolicy;
  editor: SessionEditor;
}

const tags = ['events'];
const ADMIN = { role: 'admin', label: 'admin' } as const;

export async function sessionEditRoutes(fastify: FastifyInstance, { meta, docs, access, editor }: SessionEditRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  /** The admin or the session's lead (FORBIDDEN for others; SESSION_ARCHIVED is the edit's answer). */
  const manager = (sessionId: string, request: FastifyRequest) => {
    const who = access.inSession(sessionId, tokenOf(request));
    access.require({ ...who, archived: false }, 'manage');
    return access.actor(who);
  };
  // Fastify's Ajv strips unknown fields (removeAdditional) after minProperties passed: a patch of
  // unknown fields only would arrive empty and be recorded as a change of nothing.
  const someField = <T extends object>(patch: T): T => {
    if (Object.values(patch).every((value) => value === undefined)) throw new AppError('VALIDATION_FAILED', 'The body names no field this route changes.');
    return patch;
  };
  const answer = (session: Session) => ({ ...session, archived: session.archived === true, online: docs.peerCount(session.id) });

  app.post(
    '/api/events',
    { schema: { tags, summary: 'Create an event (admin); 409 EVENT_EXISTS when the id is taken', body: NewEventBody, response: { 201: ApiEventRecord, ...ERROR_RESPONSES } }, preHandler: requireAdmin(access) },
    async (request, reply) => reply.status(201).send(await meta.createEvent(ADMIN, request.body)),
  );

  app.patch(
    '/api/sessions/:sessionId',
    { schema: { tags, summary: "Change a session's title, description, leads or schedule (admin or the session's lead)", params: SessionParams, body: SessionPatchBody, response: { 200: ApiSession, ...ERROR_RESPONSES } } },
    async (request) => {
      const actor = manager(request.params.sessionId, request);
      return answer(await meta.updateSession(actor, request.params.sessionId, someField(request.body)));
    },
  );

  app.post(
    '/api/sessions/:sessionId/topics',
    { schema: { tags, summary: "Add a topic, after `after` or last (admin or the session's lead); its section appears live", params: SessionParams, body: NewTopicBody, response: { 201: ApiTopicAnswer, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const actor = manager(request.params.sessionId, request);
      return reply.status(201).send(await editor.addTopic(actor, request.params.sessionId, request.body));
    },
  );

  app.patch(
    '/api/sessions/:sessionId/topics/:topicId',
    { schema: { tags, summary: "Change a topic's title (the heading follows live), speakers or abstract (admin or the session's lead)", params: TopicParams, body: TopicPatchBody, response: { 200: ApiTopicAnswer, ...ERROR_RESPONSES } } },
    async (request) => {
      const actor = manager(request.params.sessionId, request);
      return editor.updateTopic(actor, request.params.sessionId, request.params.topicId, someField(request.body));
    },
  );

  app.put(
    '/api/sessions/:sessionId/topic-order',
    { schema: { tags, summary: "Reorder the topics: a permutation of the session's topic ids (admin or the session's lead)", params: SessionParams, body: TopicOrderBody, response: { 200: ApiSession, ...ERROR_RESPONSES } } },
    async (request) => {
      const actor = manager(request.params.sessionId, request);
      return answer(await editor.setTopicOrder(actor, request.params.sessionId, request.body.topicIds));
    },
  );

  app.put(
    '/api/sessions/:sessionId/archived',
    { schema: { tags, summary: 'Archive (read-only for everyone) or unarchive a session (admin)', params: SessionParams, body: ArchivedBody, response: { 200: ApiSession, ...ERROR_RESPONSES } }, preHandler: requireAdmin(access) },
    async (request) => answer(await meta.setArchived(ADMIN, request.params.sessionId, request.body.archived)),
  );

  app.get(
    '/api/events/:eventId/audit',
    { schema: { tags, summary: "Who changed what, newest first (admin; a lead with `session` set to their session)", params: EventParams, querystring: AuditQuery, response: { 200: AuditResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const { eventId } = request.params;
      const { session, limit = 100 } = request.query;
      const token = bearerOf(request);
      if (!token) throw new AppError('UNAUTHORIZED', 'The audit log needs the admin token or, with `session`, that session\'s lead link.');
      if (!access.isAdmin(token)) {
        if (session === undefined) throw new AppError('FORBIDDEN', 'Only the admin reads the whole event\'s audit log; a lead passes `session`.');
        const who = access.inSession(session, token);
        if (who.role !== 'lead' || meta.getSession(session).eventId !== eventId) throw new AppError('FORBIDDEN', 'Only the session\'s lead or the admin reads its audit log.');
      }
      return { entries: meta.audit(eventId, { limit, ...(session !== undefined ? { sessionId: session } : {}) }) };
    },
  );
}
