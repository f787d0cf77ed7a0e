/**
 * `POST /api/events/:eventId/sessions` (admin): imports sessions and topics from a microconference
 * page (text/plain), a Markdown outline (text/markdown) or JSON (application/json); an mcpad JSON
 * export also restores its notes and action items.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.ts';
import type { DocService } from '../docs/doc-service.ts';
import { importWithRestore } from '../import/restore.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { parseImportRequest, type ImportQuery } from '../import/import-request.ts';
import { IMPORT_FORMATS } from '../import/index.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { requireAdmin } from './admin-auth.ts';
import { eventParams, idSchema } from './schemas.ts';

export interface ImportRoutesOptions {
  meta: MetaService;
  docs: DocService;
  /** The session state docs, where a restore writes follow-up fields. */
  state: DocService;
  access: AccessPolicy;
}

const importQuery = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: [...IMPORT_FORMATS] },
    sessionId: idSchema,
    title: { type: 'string', minLength: 1, maxLength: 300 },
    eventTitle: { type: 'string', minLength: 1, maxLength: 300 },
  },
  additionalProperties: false,
} as const;

export async function importRoutes(app: FastifyInstance, { meta, docs, state, access }: ImportRoutesOptions): Promise<void> {
  app.addContentTypeParser(['text/markdown', 'text/x-markdown'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post<{ Params: { eventId: string }; Querystring: ImportQuery; Body: unknown }>(
    '/api/events/:eventId/sessions',
    { schema: { params: eventParams, querystring: importQuery }, preHandler: requireAdmin(access) },
    async (request, reply) => {
      const contentType = request.headers['content-type'] ?? '';
      if (request.body === undefined || request.body === null || request.body === '') {
        throw new AppError('IMPORT_INVALID', 'The request body is empty: send a page (text/plain), an outline (text/markdown) or JSON.');
      }
      const parsed = parseImportRequest(request.body, contentType, request.query);
      const result = await importWithRestore(meta, docs, state, request.params.eventId, parsed, {
        ...(request.query.eventTitle ? { eventTitle: request.query.eventTitle } : {}),
      });
      return reply.status(result.sessions.some((s) => s.created) ? 201 : 200).send(result);
    },
  );
}
