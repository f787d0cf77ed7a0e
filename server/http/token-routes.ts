/**
 * Session links (admin and leads) and event access (admin). A lead may create and revoke
 * participant and viewer links of its own session; lead links are the admin's.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.ts';
import { TOKEN_ROLES, type ParticipantAccess, type TokenRole } from '../../shared/roles.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { requireAdmin } from './admin-auth.ts';
import { tokenOf } from './request-token.ts';
import { eventParams, idSchema, paramsSchema, sessionParams } from './schemas.ts';

export interface TokenRoutesOptions {
  meta: MetaService;
  access: AccessPolicy;
}

export async function tokenRoutes(app: FastifyInstance, { meta, access }: TokenRoutesOptions): Promise<void> {
  const manager = (sessionId: string, token: string | undefined, role?: TokenRole) => {
    const who = access.inSession(sessionId, token);
    access.require(who, 'manage');
    if (role === 'lead' && who.role !== 'admin') throw new AppError('FORBIDDEN', 'Only the admin creates or revokes lead links.');
    return who;
  };

  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId/access', { schema: { params: sessionParams } }, async (request) => {
    const { role } = access.inSession(request.params.sessionId, tokenOf(request));
    return { role };
  });

  app.get<{ Params: { sessionId: string } }>('/api/sessions/:sessionId/tokens', { schema: { params: sessionParams } }, async (request) => {
    const who = manager(request.params.sessionId, tokenOf(request));
    const tokens = meta.listTokens(request.params.sessionId);
    return { tokens: who.role === 'admin' ? tokens : tokens.filter((t) => t.role !== 'lead') };
  });

  app.post<{ Params: { sessionId: string }; Body: { role: TokenRole; label?: string } }>(
    '/api/sessions/:sessionId/tokens',
    {
      schema: {
        params: sessionParams,
        body: {
          type: 'object',
          properties: { role: { type: 'string', enum: [...TOKEN_ROLES] }, label: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['role'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      manager(sessionId, tokenOf(request), request.body.role);
      const { info, token } = await meta.createToken(sessionId, request.body.role, request.body.label ?? `${request.body.role} link`);
      const path = request.body.role === 'viewer' ? `/s/${sessionId}/read` : `/s/${sessionId}`;
      return reply.status(201).send({ ...info, token, link: `${path}?token=${token}` });
    },
  );

  app.delete<{ Params: { sessionId: string; tokenId: string } }>(
    '/api/sessions/:sessionId/tokens/:tokenId',
    {
      schema: {
        params: paramsSchema({ sessionId: idSchema, tokenId: { type: 'string', pattern: '^[a-f0-9]{12}$' } }),
      },
    },
    async (request) => {
      const { sessionId, tokenId } = request.params;
      const target = meta.listTokens(sessionId).find((t) => t.id === tokenId);
      manager(sessionId, tokenOf(request), target?.role);
      return meta.revokeToken(sessionId, tokenId);
    },
  );

  app.patch<{ Params: { eventId: string }; Body: { participantAccess: ParticipantAccess } }>(
    '/api/events/:eventId',
    {
      schema: {
        params: eventParams,
        body: {
          type: 'object',
          properties: { participantAccess: { type: 'string', enum: ['open', 'link'] } },
          required: ['participantAccess'],
          additionalProperties: false,
        },
      },
      preHandler: requireAdmin(access),
    },
    async (request) => {
      await meta.setParticipantAccess(request.params.eventId, request.body.participantAccess);
      return { id: request.params.eventId, participantAccess: request.body.participantAccess };
    },
  );
}
