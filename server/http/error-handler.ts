/**
 * The HTTP error funnel: every failure becomes `{ error: { code, message } }` with the catalogued
 * status. Unexpected errors are logged and answered without internals (no stack traces).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorBody, type ErrorCode } from '../../shared/errors.ts';

function body(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Maps Fastify's own error codes to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return reply.status(error.httpStatus).send(body(error.code, error.message));
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
