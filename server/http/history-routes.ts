/** History over HTTP: checkpoints, diffs, restoring a topic, finalised versions. */
import type { FastifyInstance } from 'fastify';
import type { CheckpointService } from '../sessions/checkpoint-service.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { tokenOf } from './request-token.ts';
import { idSchema, paramsSchema, sessionParams } from './schemas.ts';

export interface HistoryRoutesOptions {
  access: AccessPolicy;
  history: CheckpointService;
}

const ref = { type: 'string', pattern: '^(live|[0-9]{8}T[0-9]{9}Z-[a-z0-9]{4})$' } as const;
const refParams = paramsSchema({ sessionId: idSchema, ref });

export async function historyRoutes(app: FastifyInstance, { access, history }: HistoryRoutesOptions): Promise<void> {
  const allow = (sessionId: string, request: Parameters<typeof tokenOf>[0], operation: 'read' | 'edit' | 'assign'): void => {
    access.require(access.inSession(sessionId, tokenOf(request)), operation);
  };

  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId/checkpoints', { schema: { params: sessionParams } }, async (request) => {
    allow(request.params.sessionId, request, 'read');
    return { checkpoints: await history.list(request.params.sessionId) };
  });

  app.post<{ Params: { sessionId: string } }>('/api/sessions/:sessionId/checkpoints', { schema: { params: sessionParams } }, async (request, reply) => {
    allow(request.params.sessionId, request, 'edit');
    // Unchanged notes: the newest checkpoint again, 200 instead of 201 (nothing was stored).
    const { info, created } = await history.takeManual(request.params.sessionId);
    return reply.status(created ? 201 : 200).send(info);
  });

  app.get<{ Params: { sessionId: string; ref: string } }>('/api/sessions/:sessionId/checkpoints/:ref', { schema: { params: refParams } }, async (request) => {
    allow(request.params.sessionId, request, 'read');
    return history.get(request.params.sessionId, request.params.ref);
  });

  app.get<{ Params: { sessionId: string }; Querystring: { from: string; to: string } }>(
    '/api/sessions/:sessionId/diff',
    { schema: { params: sessionParams, querystring: { type: 'object', properties: { from: ref, to: ref }, required: ['from', 'to'], additionalProperties: false } } },
    async (request) => {
      allow(request.params.sessionId, request, 'read');
      return { topics: await history.diff(request.params.sessionId, request.query.from, request.query.to) };
    },
  );

  app.post<{ Params: { sessionId: string; ref: string }; Body: { topicId: string } }>(
    '/api/sessions/:sessionId/checkpoints/:ref/restore',
    { schema: { params: refParams, body: { type: 'object', properties: { topicId: idSchema }, required: ['topicId'], additionalProperties: false } } },
    async (request) => {
      allow(request.params.sessionId, request, 'edit');
      return history.restoreTopic(request.params.sessionId, request.params.ref, request.body.topicId);
    },
  );

  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId/versions', { schema: { params: sessionParams } }, async (request) => {
    allow(request.params.sessionId, request, 'read');
    return { versions: await history.versions(request.params.sessionId) };
  });

  app.post<{ Params: { sessionId: string }; Body: { confirm?: boolean } | undefined }>(
    '/api/sessions/:sessionId/versions',
    { schema: { params: sessionParams, body: { type: 'object', properties: { confirm: { type: 'boolean' } }, additionalProperties: false } } },
    async (request, reply) => {
      allow(request.params.sessionId, request, 'assign');
      return reply.status(201).send(await history.finalise(request.params.sessionId, request.body?.confirm === true));
    },
  );

  app.get<{ Params: { sessionId: string; label: string } }>(
    '/api/sessions/:sessionId/versions/:label',
    { schema: { params: paramsSchema({ sessionId: idSchema, label: { type: 'string', pattern: '^-?[0-9]{1,3}$' } }) } },
    async (request) => {
      allow(request.params.sessionId, request, 'read');
      return history.get(request.params.sessionId, await history.versionRef(request.params.sessionId, request.params.label));
    },
  );
}
