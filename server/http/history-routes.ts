/** History over HTTP: checkpoints, diffs, restoring a topic, finalised versions. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  CheckpointInfoExample,
  CheckpointParams,
  CheckpointResponse,
  CheckpointsResponse,
  DiffQuery,
  DiffResponse,
  ERROR_RESPONSES,
  FinaliseBody,
  RestoreTopicBody,
  RestoreTopicResponse,
  SessionParams,
  VersionParams,
  VersionsResponse,
} from '../../shared/api.ts';
import type { CheckpointService } from '../sessions/checkpoint-service.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { tokenOf } from './request-token.ts';

export interface HistoryRoutesOptions {
  access: AccessPolicy;
  history: CheckpointService;
}

const tags = ['history'];

const typed = (fastify: FastifyInstance) => fastify.withTypeProvider<TypeBoxTypeProvider>();
type TypedApp = ReturnType<typeof typed>;
/** Throws the access error unless the request's token may do `operation` in the session. */
type Allow = (sessionId: string, request: Parameters<typeof tokenOf>[0], operation: 'read' | 'edit' | 'assign') => void;

export async function historyRoutes(fastify: FastifyInstance, { access, history }: HistoryRoutesOptions): Promise<void> {
  const app = typed(fastify);
  const allow: Allow = (sessionId, request, operation) => {
    access.require(access.inSession(sessionId, tokenOf(request)), operation);
  };
  checkpointRoutes(app, allow, history);
  compareAndRestoreRoutes(app, allow, history);
  versionRoutes(app, allow, history);
}

/** List, take and read checkpoints. */
function checkpointRoutes(app: TypedApp, allow: Allow, history: CheckpointService): void {
  app.get(
    '/api/sessions/:sessionId/checkpoints',
    { schema: { tags, summary: "A session's checkpoints, oldest first (read)", params: SessionParams, response: { 200: CheckpointsResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      allow(request.params.sessionId, request, 'read');
      return { checkpoints: await history.list(request.params.sessionId) };
    },
  );

  app.post(
    '/api/sessions/:sessionId/checkpoints',
    {
      schema: {
        tags,
        summary: 'Take a manual checkpoint (edit); 200 with the newest one when nothing changed',
        params: SessionParams,
        response: { 200: CheckpointInfoExample, 201: CheckpointInfoExample, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      allow(request.params.sessionId, request, 'edit');
      // Unchanged notes: the newest checkpoint again, 200 instead of 201 (nothing was stored).
      const { info, created } = await history.takeManual(request.params.sessionId);
      return reply.status(created ? 201 : 200).send(info);
    },
  );

  app.get(
    '/api/sessions/:sessionId/checkpoints/:ref',
    { schema: { tags, summary: "A checkpoint's notes, or `live` (read)", params: CheckpointParams, response: { 200: CheckpointResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      allow(request.params.sessionId, request, 'read');
      return history.get(request.params.sessionId, request.params.ref);
    },
  );

}

/** Compare two points in the history, and restore one topic's notes from a checkpoint. */
function compareAndRestoreRoutes(app: TypedApp, allow: Allow, history: CheckpointService): void {
  app.get(
    '/api/sessions/:sessionId/diff',
    { schema: { tags, summary: 'Lines added and removed per topic between two refs (read)', params: SessionParams, querystring: DiffQuery, response: { 200: DiffResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      allow(request.params.sessionId, request, 'read');
      return { topics: await history.diff(request.params.sessionId, request.query.from, request.query.to) };
    },
  );

  app.post(
    '/api/sessions/:sessionId/checkpoints/:ref/restore',
    {
      schema: {
        tags,
        summary: "Restore one topic's notes from a checkpoint (edit)",
        params: CheckpointParams,
        body: RestoreTopicBody,
        response: { 200: RestoreTopicResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      allow(request.params.sessionId, request, 'edit');
      return history.restoreTopic(request.params.sessionId, request.params.ref, request.body.topicId);
    },
  );

}

/** List, create (finalise) and read finalised versions. */
function versionRoutes(app: TypedApp, allow: Allow, history: CheckpointService): void {
  app.get(
    '/api/sessions/:sessionId/versions',
    { schema: { tags, summary: 'Finalised versions (read)', params: SessionParams, response: { 200: VersionsResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      allow(request.params.sessionId, request, 'read');
      return { versions: await history.versions(request.params.sessionId) };
    },
  );

  app.post(
    '/api/sessions/:sessionId/versions',
    {
      schema: {
        tags,
        summary: 'Finalise the notes as a new version (assign); before the scheduled end only with confirm',
        params: SessionParams,
        body: FinaliseBody,
        response: { 201: CheckpointInfoExample, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      allow(request.params.sessionId, request, 'assign');
      return reply.status(201).send(await history.finalise(request.params.sessionId, request.body?.confirm === true));
    },
  );

  app.get(
    '/api/sessions/:sessionId/versions/:label',
    { schema: { tags, summary: 'A finalised version by label: 0, 1… or -1 for the latest (read)', params: VersionParams, response: { 200: CheckpointResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      allow(request.params.sessionId, request, 'read');
      return history.get(request.params.sessionId, await history.versionRef(request.params.sessionId, request.params.label));
    },
  );
}
