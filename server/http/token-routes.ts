/**
 * Session links (admin and leads) and event access (admin). A lead may create and revoke
 * participant and viewer links of its own session; lead links are the admin's.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  AccessResponse,
  ERROR_RESPONSES,
  EventParams,
  NewTokenBody,
  NewTokenResponse,
  ApiEventRecord,
  EventPatchBody,
  SessionParams,
  TokenInfoExample,
  TokenParams,
  TokensResponse,
} from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { TokenRole } from '../../shared/roles.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { requireAdmin } from './admin-auth.ts';
import { tokenOf } from './request-token.ts';

export interface TokenRoutesOptions {
  meta: MetaService;
  access: AccessPolicy;
}

const tags = ['links'];

export async function tokenRoutes(fastify: FastifyInstance, { meta, access }: TokenRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const manager = (sessionId: string, token: string | undefined, role?: TokenRole) => {
    const who = access.inSession(sessionId, token);
    access.require(who, 'manage');
    if (role === 'lead' && who.role !== 'admin') throw new AppError('FORBIDDEN', 'Only the admin creates or revokes lead links.');
    return who;
  };

  app.get(
    '/api/sessions/:sessionId/access',
    { schema: { tags, summary: 'The role this request has in the session (any)', params: SessionParams, response: { 200: AccessResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const { role } = access.inSession(request.params.sessionId, tokenOf(request));
      return { role };
    },
  );

  app.get(
    '/api/sessions/:sessionId/tokens',
    { schema: { tags, summary: "The session's links (manage; leads do not see lead links)", params: SessionParams, response: { 200: TokensResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const who = manager(request.params.sessionId, tokenOf(request));
      const tokens = meta.listTokens(request.params.sessionId);
      return { tokens: who.role === 'admin' ? tokens : tokens.filter((t) => t.role !== 'lead') };
    },
  );

  app.post(
    '/api/sessions/:sessionId/tokens',
    {
      schema: {
        tags,
        summary: 'Create a link (manage; lead links: admin only); the token is shown once',
        params: SessionParams,
        body: NewTokenBody,
        response: { 201: NewTokenResponse, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const who = manager(sessionId, tokenOf(request), request.body.role);
      const { info, token } = await meta.createToken(sessionId, request.body.role, request.body.label ?? `${request.body.role} link`, access.actor(who));
      const path = request.body.role === 'viewer' ? `/s/${sessionId}/read` : `/s/${sessionId}`;
      return reply.status(201).send({ ...info, token, link: `${path}?token=${token}` });
    },
  );

  app.delete(
    '/api/sessions/:sessionId/tokens/:tokenId',
    { schema: { tags, summary: 'Revoke a link (manage; lead links: admin only)', params: TokenParams, response: { 200: TokenInfoExample, ...ERROR_RESPONSES } } },
    async (request) => {
      const { sessionId, tokenId } = request.params;
      const target = meta.listTokens(sessionId).find((t) => t.id === tokenId);
      const who = manager(sessionId, tokenOf(request), target?.role);
      return meta.revokeToken(sessionId, tokenId, access.actor(who));
    },
  );

  app.patch(
    '/api/events/:eventId',
    {
      schema: {
        tags,
        summary: "Change an event's title, description or participant access (open or link) (admin)",
        params: EventParams,
        body: EventPatchBody,
        response: { 200: ApiEventRecord, ...ERROR_RESPONSES },
      },
      preHandler: requireAdmin(access),
    },
    async (request) => {
      // Fastify's Ajv strips unknown fields: a body of unknown fields only arrives empty.
      if (Object.values(request.body).every((value) => value === undefined)) throw new AppError('VALIDATION_FAILED', 'The body names no field this route changes.');
      const event = await meta.updateEvent({ role: 'admin', label: 'admin' }, request.params.eventId, request.body);
      return { ...event, participantAccess: event.participantAccess ?? 'open' };
    },
  );
}
