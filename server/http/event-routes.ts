/** Read-only metadata API: events, an event's sessions, one session. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ApiEvent, ApiSession, ERROR_RESPONSES, EventParams, EventsResponse, SessionParams } from '../../shared/api.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { MetaService } from '../meta/meta-service.ts';

export interface EventRoutesOptions {
  meta: MetaService;
  docs: DocService;
}

const tags = ['events'];

export async function eventRoutes(fastify: FastifyInstance, { meta, docs }: EventRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/events', { schema: { tags, summary: 'All events', response: { 200: EventsResponse, ...ERROR_RESPONSES } } }, async () => ({ events: meta.listEvents() }));

  app.get(
    '/api/events/:eventId',
    { schema: { tags, summary: 'An event and its sessions, with who is online', params: EventParams, response: { 200: ApiEvent, ...ERROR_RESPONSES } } },
    async (request) => {
      const { event, sessions } = meta.getEvent(request.params.eventId);
      return { ...event, sessions: sessions.map((s) => ({ ...s, online: docs.peerCount(s.id) })) };
    },
  );

  app.get(
    '/api/sessions/:sessionId',
    { schema: { tags, summary: 'A session with its topics', params: SessionParams, response: { 200: ApiSession, ...ERROR_RESPONSES } } },
    async (request) => {
      const session = meta.getSession(request.params.sessionId);
      return { ...session, archived: session.archived === true, online: docs.peerCount(session.id) };
    },
  );
}
