/** The session record over HTTP: the "now discussing" pointer (leads set it) and contributors. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ContributorsResponse, DiscussionState, ERROR_RESPONSES, SessionParams, SetDiscussingBody } from '../../shared/api.ts';
import type { SessionRecord } from '../sessions/session-record.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { tokenOf } from './request-token.ts';

export interface RecordRoutesOptions {
  access: AccessPolicy;
  record: SessionRecord;
}

const tags = ['record'];

export async function recordRoutes(fastify: FastifyInstance, { access, record }: RecordRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/sessions/:sessionId/discussion',
    { schema: { tags, summary: 'The topic being discussed and the log of when each was (read)', params: SessionParams, response: { 200: DiscussionState, ...ERROR_RESPONSES } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
      return record.discussion(request.params.sessionId);
    },
  );

  app.put(
    '/api/sessions/:sessionId/discussion',
    { schema: { tags, summary: 'Move the "now discussing" pointer, or clear it with null (assign)', params: SessionParams, body: SetDiscussingBody, response: { 200: DiscussionState, ...ERROR_RESPONSES } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'assign');
      return record.setDiscussing(request.params.sessionId, request.body.topicId);
    },
  );

  app.get(
    '/api/sessions/:sessionId/contributors',
    { schema: { tags, summary: 'Who wrote in the notes (read)', params: SessionParams, response: { 200: ContributorsResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
      return { contributors: await record.contributors(request.params.sessionId) };
    },
  );
}
