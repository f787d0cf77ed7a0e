/** The session record over HTTP: the "now discussing" pointer (leads set it) and contributors. */
import type { FastifyInstance } from 'fastify';
import type { SessionRecord } from '../sessions/session-record.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { tokenOf } from './request-token.ts';
import { idSchema, sessionParams } from './schemas.ts';

export interface RecordRoutesOptions {
  access: AccessPolicy;
  record: SessionRecord;
}

export async function recordRoutes(app: FastifyInstance, { access, record }: RecordRoutesOptions): Promise<void> {
  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId/discussion', { schema: { params: sessionParams } }, async (request) => {
    access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
    return record.discussion(request.params.sessionId);
  });

  app.put<{ Params: { sessionId: string }; Body: { topicId: string | null } }>(
    '/api/sessions/:sessionId/discussion',
    {
      schema: {
        params: sessionParams,
        body: { type: 'object', properties: { topicId: { anyOf: [idSchema, { type: 'null' }] } }, required: ['topicId'], additionalProperties: false },
      },
    },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'assign');
      return record.setDiscussing(request.params.sessionId, request.body.topicId);
    },
  );

  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId/contributors', { schema: { params: sessionParams } }, async (request) => {
    access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
    return { contributors: await record.contributors(request.params.sessionId) };
  });
}
