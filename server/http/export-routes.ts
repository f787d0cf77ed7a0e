/**
 * Post-event summary downloads (issue 5):
 *   GET /api/sessions/:sessionId/export?format=md|html|json|txt
 *   GET /api/events/:eventId/export?format=md|html|json|txt   (every session, in schedule order)
 * Answered as an attachment with the format's media type; the HTML is also served with a
 * Content-Security-Policy that forbids scripts and remote loads, in case a browser shows it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/export/formats.ts';
import type { RenderedExport, ExportService } from '../export/export-service.ts';
import { CONTENT_SECURITY_POLICY } from '../export/render-html.ts';
import { eventParams, sessionParams } from './schemas.ts';

export interface ExportRoutesOptions {
  exports: ExportService;
}

const exportQuery = {
  type: 'object',
  properties: { format: { type: 'string', enum: [...EXPORT_FORMATS], default: 'md' } },
  additionalProperties: false,
} as const;

function send(reply: FastifyReply, rendered: RenderedExport): FastifyReply {
  return reply
    .header('content-type', rendered.contentType)
    .header('content-disposition', `attachment; filename="${rendered.fileName}"`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', `${CONTENT_SECURITY_POLICY}; sandbox`)
    .header('cache-control', 'no-store')
    // Whether the server's export cache answered (issue #13): a repeat of an unchanged export is not re-rendered.
    .header('x-cache', rendered.cached ? 'hit' : 'miss')
    .send(rendered.body);
}

export async function exportRoutes(app: FastifyInstance, { exports }: ExportRoutesOptions): Promise<void> {
  app.get<{ Params: { sessionId: string }; Querystring: { format: ExportFormat } }>(
    '/api/sessions/:sessionId/export',
    { schema: { params: sessionParams, querystring: exportQuery } },
    async (request, reply) => send(reply, await exports.exportSession(request.params.sessionId, request.query.format)),
  );

  app.get<{ Params: { eventId: string }; Querystring: { format: ExportFormat } }>(
    '/api/events/:eventId/export',
    { schema: { params: eventParams, querystring: exportQuery } },
    async (request, reply) => send(reply, await exports.exportEvent(request.params.eventId, request.query.format)),
  );
}
