/**
 * Post-event summary downloads (issue 5):
 *   GET /api/sessions/:sessionId/export?format=md|html|json|txt
 *   GET /api/events/:eventId/export?format=md|html|json|txt   (every session, in schedule order)
 * Answered as an attachment with the format's media type; the HTML is also served with a
 * Content-Security-Policy that forbids scripts and remote loads, in case a browser shows it.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ERROR_RESPONSES, EventParams, ExportDownload, ExportQuery, SessionParams } from '../../shared/api.ts';
import type { RenderedExport, ExportService } from '../export/export-service.ts';
import { CONTENT_SECURITY_POLICY } from '../export/render-html.ts';

export interface ExportRoutesOptions {
  exports: ExportService;
}

/** Sends a rendered export as an attachment (also /p/<pad>/export/<type>, server/http/etherpad-routes.ts). */
export function sendExport(reply: FastifyReply, rendered: RenderedExport): FastifyReply {
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

const response = { 200: ExportDownload, ...ERROR_RESPONSES };

export async function exportRoutes(fastify: FastifyInstance, { exports }: ExportRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/sessions/:sessionId/export',
    { schema: { tags: ['export'], summary: "A session's summary", params: SessionParams, querystring: ExportQuery, response } },
    async (request, reply) => sendExport(reply, await exports.exportSession(request.params.sessionId, request.query.format ?? 'md')),
  );

  app.get(
    '/api/events/:eventId/export',
    { schema: { tags: ['export'], summary: "An event's summary, every session in schedule order", params: EventParams, querystring: ExportQuery, response } },
    async (request, reply) => sendExport(reply, await exports.exportEvent(request.params.eventId, request.query.format ?? 'md')),
  );
}
