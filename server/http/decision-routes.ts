/**
 * Decisions per session (issue #17): list (read), record (edit), change the text (edit) or mark
 * agreed / not agreed (assign: lead, admin). Role checks happen here, before the service is called.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ApiDecisionExample, DecisionParams, DecisionPatchBody, DecisionsResponse, ERROR_RESPONSES, NewDecisionBody, NoQuery, SessionParams } from '../../shared/api.ts';
import type { DecisionsService } from '../sessions/decisions-service.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import { tokenOf } from './request-token.ts';

export interface DecisionRoutesOptions {
  access: AccessPolicy;
  decisions: DecisionsService;
}

const tags = ['decisions'];

export async function decisionRoutes(fastify: FastifyInstance, { access, decisions }: DecisionRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/sessions/:sessionId/decisions',
    { schema: { tags, summary: "A session's decisions, in topic order (read)", params: SessionParams, querystring: NoQuery, response: { 200: DecisionsResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      access.require(access.inSession(request.params.sessionId, tokenOf(request)), 'read');
      return { decisions: await decisions.list(request.params.sessionId) };
    },
  );

  app.post(
    '/api/sessions/:sessionId/decisions',
    { schema: { tags, summary: 'Record a decision under a topic (edit)', params: SessionParams, body: NewDecisionBody, response: { 201: ApiDecisionExample, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const who = access.inSession(request.params.sessionId, tokenOf(request));
      access.require(who, 'edit');
      const { topicId, text, createdBy } = request.body;
      return reply.status(201).send(await decisions.add(request.params.sessionId, topicId, text, createdBy ?? who.via));
    },
  );

  app.patch(
    '/api/sessions/:sessionId/decisions/:decisionId',
    {
      schema: {
        tags,
        summary: 'Change a decision (text: edit) or mark it agreed / not agreed (agreed: lead or admin)',
        params: DecisionParams,
        body: DecisionPatchBody,
        response: { 200: ApiDecisionExample, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const who = access.inSession(request.params.sessionId, tokenOf(request));
      const { by, ...patch } = request.body;
      access.require(who, patch.agreed !== undefined ? 'assign' : 'edit');
      if (patch.text !== undefined) access.require(who, 'edit');
      const agreedBy = by ? `${by} (${who.role})` : `${who.via} (${who.role})`;
      return decisions.update(request.params.sessionId, request.params.decisionId, patch, agreedBy);
    },
  );
}
