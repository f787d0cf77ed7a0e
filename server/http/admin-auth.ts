/** Admin-only routes: the ADMIN_TOKEN as a bearer token (never from the query string, which ends up in logs). */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { bearerOf } from './request-token.ts';

/** A preHandler that lets only requests carrying the admin token through. */
export function requireAdmin(access: AccessPolicy) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerOf(request);
    if (!token) throw new AppError('UNAUTHORIZED', 'This endpoint needs the admin token: send "Authorization: Bearer <token>".');
    if (!access.isAdmin(token)) throw new AppError('FORBIDDEN', 'The admin token is not valid.');
  };
}
