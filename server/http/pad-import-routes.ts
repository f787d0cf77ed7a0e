/**
 * `POST /api/sessions/:sessionId/import-pad` (admin or lead): brings an Etherpad pad export
 * (`.etherpad` as application/json, `.txt` as text/plain, `.html` as text/html) into a session's
 * notes with its authors (server/import/etherpad/). A bad or foreign body is a 400 naming the problem.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ERROR_RESPONSES, SessionParams } from '../../shared/api.ts';
import { PadImportBody, PadImportResult } from '../../shared/api/pad-imports.ts';
import { AppError } from '../../shared/errors.ts';
import type { DocService } from '../docs/doc-service.ts';
import { ImportError } from '../import/import-error.ts';
import { padFormatOf, parseEtherpadPad } from '../import/etherpad/index.ts';
import { importPad } from '../import/etherpad/import-pad.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { tokenOf } from './request-token.ts';

export interface PadImportRoutesOptions {
  meta: MetaService;
  docs: DocService;
  state: DocService;
  access: AccessPolicy;
  /** Largest pad export accepted (PAD_IMPORT_MAX_BYTES). */
  maxBytes: number;
  /** MAX_DOC_BYTES: the notes doc may not grow past it. */
  maxDocBytes: number;
}

export async function padImportRoutes(fastify: FastifyInstance, { meta, docs, state, access, maxBytes, maxDocBytes }: PadImportRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // The body stays a string for every format; the .etherpad JSON is parsed by the pad parser so a
  // syntax error becomes IMPORT_INVALID like any other problem.
  app.addContentTypeParser(['text/html', 'application/json'], { parseAs: 'string', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));

  app.post(
    '/api/sessions/:sessionId/import-pad',
    {
      bodyLimit: maxBytes,
      schema: {
        tags: ['import'],
        summary: 'Import an Etherpad pad export (.etherpad, .txt or .html) into a session, keeping its authors (admin or lead)',
        params: SessionParams,
        body: PadImportBody,
        response: { 200: PadImportResult, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      const caller = access.inSession(sessionId, tokenOf(request));
      access.require(caller, 'manage');
      access.require(caller, 'edit'); // SESSION_ARCHIVED: an archived session takes no import
      const contentType = request.headers['content-type'] ?? '';
      const format = padFormatOf(contentType);
      if (!format) {
        throw new AppError('IMPORT_INVALID', `Send the pad as application/json (.etherpad), text/plain (.txt) or text/html (.html), not "${contentType}".`);
      }
      if (typeof request.body !== 'string' || request.body.trim() === '') throw new AppError('IMPORT_INVALID', 'The request body is empty: send the pad export.');
      let pad;
      try {
        pad = parseEtherpadPad(format, request.body);
      } catch (error) {
        if (error instanceof ImportError) throw new AppError('IMPORT_INVALID', error.message);
        throw error;
      }
      return importPad(meta, docs, state, sessionId, pad, { maxDocBytes });
    },
  );
}
