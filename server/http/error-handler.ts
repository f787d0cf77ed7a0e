/**
 * The HTTP error funnel: every failure becomes `{ error: { code, message } }` with the catalogued
 * status. Unexpected errors are logged and answered without internals (no stack traces).
 */
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorBody, type ErrorCode, type ErrorRemedy } from '../../shared/errors.ts';

function body(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** How an HTTP caller gets past a refusal (services name the remedy, never the HTTP detail). */
const HTTP_REMEDIES: Readonly<Record<ErrorRemedy, string>> = {
  confirm: 'Send {"confirm": true} to go ahead anyway.',
  'session-id-or-title': 'Pass ?title= or ?sessionId=.',
};

function messageOf(error: AppError): string {
  return error.remedy ? `${error.message} ${HTTP_REMEDIES[error.remedy]}` : error.message;
}

/** Maps Fastify's own error codes to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
};

/**
 * Errors Fastify's router raises before any route or error handler runs (the `frameworkErrors`
 * option): bad percent-encoding and over-long path segments. Same JSON shape as everything else.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // A refused WebSocket upgrade's socket is detached from the HTTP server: nothing would ever end
  // it, and fastify.close() (graceful shutdown) would wait for it for ever.
  if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket.destroy());
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    reply.code(400).send(body('INVALID_ID', 'A path segment is too long: ids are at most 64 characters.'));
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    reply.code(400).send(body('BAD_REQUEST', 'The path is not valid percent-encoded UTF-8.'));
    return;
  }
  reply.code(400).send(body('BAD_REQUEST', error.message));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (malformed request line or headers,
 * header overflow, request timeout): the same JSON error shape, then the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, label, code]: [number, string, ErrorCode] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'BAD_REQUEST']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'BAD_REQUEST']
        : [400, 'Bad Request', 'BAD_REQUEST'];
  const payload = JSON.stringify(body(code, `Malformed HTTP request (${error.code ?? 'parse error'}).`));
  socket.end(`HTTP/1.1 ${status} ${label}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${payload}`);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return reply.status(error.httpStatus).send(body(error.code, messageOf(error)));
    if ('validation' in error && error.validation) {
      return reply.status(400).send(body('VALIDATION_FAILED', `${error.validationContext ?? 'request'} ${error.message}`));
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return reply.status(error.statusCode ?? 400).send(body(mapped, error.message));
    if (error.statusCode === 429) return reply.status(429).send(body('RATE_LIMITED', error.message));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(body('BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Internal error; see the server log.' } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}
