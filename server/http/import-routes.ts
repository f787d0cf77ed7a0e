/**
 * `POST /api/events/:eventId/sessions` (admin): imports sessions and topics from a microconference
 * page (text/plain), a Markdown outline (text/markdown) or JSON (application/json); an mcpad JSON
 * export also restores its notes and action items.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ERROR_RESPONSES, EventParams, ImportBody, ImportPreview, ImportQuery, ImportRefusedResponse, ImportResult } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { DocService } from '../docs/doc-service.ts';
import { importWithRestore } from '../import/restore.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { ImportRefusal, parseImportRequest } from '../import/import-request.ts';
import { previewImport } from '../import/import-preview.ts';
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
        summary:
          'Import sessions and topics; an mcpad JSON export also restores notes and action items (admin). 201 when a session was created. ' +
          '`dryRun=true`: a preview of what would be created, nothing written (200); a document that cannot be imported is 400 with `problems` naming the line or JSON path',
        params: EventParams,
        querystring: ImportQuery,
        body: ImportBody,
        response: { ...ERROR_RESPONSES, 200: Type.Union([ImportResult, ImportPreview]), 201: ImportResult, 400: ImportRefusedResponse },
      },
      preHandler: requireAdmin(access),
    },
    async (request, reply) => {
      const contentType = request.headers['content-type'] ?? '';
      if (request.body === undefined || request.body === null || request.body === '') {
        throw new AppError('IMPORT_INVALID', 'The request body is empty: send a page (text/plain), an outline (text/markdown) or JSON.');
      }
      let parsed: ReturnType<typeof parseImportRequest>;
      try {
        parsed = parseImportRequest(request.body, contentType, request.query);
      } catch (error) {
        // A preview names where the document is wrong, for the console to show beside the text.
        if (request.query.dryRun && error instanceof ImportRefusal) {
          return reply.status(400).send({ error: { code: error.code, message: error.message }, problems: [{ where: error.where, message: error.message }] });
        }
        throw error;
      }
      if (request.query.dryRun) {
        const options = request.query.eventTitle ? { eventTitle: request.query.eventTitle } : {};
        try {
          return reply.status(200).send(previewImport(meta, request.params.eventId, parsed.drafts, options));
        } catch (error) {
          if (error instanceof AppError && error.httpStatus === 400) {
            return reply.status(400).send({ error: { code: error.code, message: error.message }, problems: [{ where: '$', message: error.message }] });
          }
          throw error;
        }
      }
      const result = await importWithRestore(meta, docs, state, request.params.eventId, parsed, {
        ...(request.query.eventTitle ? { eventTitle: request.query.eventTitle } : {}),
        actor: { role: 'admin', label: 'admin' },
      });
      return reply.status(result.sessions.some((s) => s.created) ? 201 : 200).send(result);
    },
  );
}
