/** The tokens a request presents. */
import type { FastifyRequest } from 'fastify';

/** `Authorization: Bearer <token>`, or undefined. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/** The bearer token, else `?token=` (session links opened in a browser). */
export function tokenOf(request: FastifyRequest): string | undefined {
  const bearer = bearerOf(request);
  if (bearer) return bearer;
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' && query.token !== '' ? query.token : undefined;
}
