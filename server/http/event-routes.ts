/** Read-only metadata API: events, an event's sessions, one session. */
import type { FastifyInstance } from 'fastify';
import type { DocService } from '../docs/doc-service.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { eventParams, sessionParams } from './schemas.ts';

export interface EventRoutesOptions {
  meta: MetaService;
  docs: DocService;
}

export async function eventRoutes(app: FastifyInstance, { meta, docs }: EventRoutesOptions): Promise<void> {
  app.get('/api/events', async () => ({ events: meta.listEvents() }));

  app.get<{ Params: { eventId: string } }>('/api/events/:eventId', { schema: { params: eventParams } }, async (request) => {
    const { event, sessions } = meta.getEvent(request.params.eventId);
    return { ...event, sessions: sessions.map((s) => ({ ...s, online: docs.peerCount(s.id) })) };
  });

  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId', { schema: { params: sessionParams } }, async (request) => {
    const session = meta.getSession(request.params.sessionId);
    return { ...session, online: docs.peerCount(session.id) };
  });
}
