/**
 * The tokens a request presents. Over HTTP only as `Authorization: Bearer` (issue #13): a token in
 * a URL ends up in logs, proxies and browser history. `?token=` is read only by the WebSocket route
 * (server/ws/collab-route.ts), where browsers cannot set headers, and by the page, which moves it to
 * local storage; the API refuses it rather than ignore it and serve the request as someone else.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';

/** `Authorization: Bearer <token>`, or undefined. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/** The token an API request presents: the bearer token only. */
export function tokenOf(request: FastifyRequest): string | undefined {
  return bearerOf(request);
}

/** An onRequest hook for `/api/`: a `token` query parameter is refused with TOKEN_IN_URL. */
export async function refuseTokenInQuery(request: FastifyRequest): Promise<void> {
  if (!request.url.startsWith('/api/')) return;
  const query = request.url.indexOf('?');
  if (query === -1) return;
  if (new URLSearchParams(request.url.slice(query + 1)).has('token')) {
    throw new AppError('TOKEN_IN_URL', 'Tokens are not accepted in the URL of API requests: send "Authorization: Bearer <token>".');
  }
}
