/**
 * `POST /api/events/:eventId/sessions` (admin): imports sessions and topics from a microconference
 * page (text/plain), a Markdown outline (text/markdown) or JSON (application/json); an mcpad JSON
 * export also restores its notes and action items.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ERROR_RESPONSES, EventParams, ImportBody, ImportQuery, ImportResult } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { DocService } from '../docs/doc-service.ts';
import { importWithRestore } from '../import/restore.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { parseImportRequest } from '../import/import-request.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { requireAdmin } from './admin-auth.ts';

export interface ImportRoutesOptions {
  meta: MetaService;
  docs: DocService;
  /** The session state docs, where a restore writes follow-up fields. */
  state: DocService;
  access: AccessPolicy;
}

export async function importRoutes(fastify: FastifyInstance, { meta, docs, state, access }: ImportRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addContentTypeParser(['text/markdown', 'text/x-markdown'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/events/:eventId/sessions',
    {
      schema: {
        tags: ['import'],
        summary: 'Import sessions and topics; an mcpad JSON export also restores notes and action items (admin). 201 when a session was created',
        params: EventParams,
        querystring: ImportQuery,
        body: ImportBody,
        response: { 200: ImportResult, 201: ImportResult, ...ERROR_RESPONSES },
      },
      preHandler: requireAdmin(access),
    },
    async (request, reply) => {
      const contentType = request.headers['content-type'] ?? '';
      if (request.body === undefined || request.body === null || request.body === '') {
        throw new AppError('IMPORT_INVALID', 'The request body is empty: send a page (text/plain), an outline (text/markdown) or JSON.');
      }
      const parsed = parseImportRequest(request.body, contentType, request.query);
      const result = await importWithRestore(meta, docs, state, request.params.eventId, parsed, {
        ...(request.query.eventTitle ? { eventTitle: request.query.eventTitle } : {}),
        actor: { role: 'admin', label: 'admin' },
      });
      return reply.status(result.sessions.some((s) => s.created) ? 201 : 200).send(result);
    },
  );
}
