/** `Authorization: Bearer <ADMIN_TOKEN>` check for admin-only routes (constant-time compare). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** A preHandler that lets only requests carrying the admin token through. */
export function requireAdmin(adminToken: string) {
  const expected = digest(adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) throw new AppError('UNAUTHORIZED', 'This endpoint needs the admin token: send "Authorization: Bearer <token>".');
    if (!timingSafeEqual(digest(match[1]), expected)) throw new AppError('FORBIDDEN', 'The admin token is not valid.');
  };
}
