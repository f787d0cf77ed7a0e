/** `GET /healthz`: liveness for load balancers and scripts. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ERROR_RESPONSES, HealthResponse } from '../../shared/api.ts';
import type { DocService } from '../docs/doc-service.ts';

export async function healthRoutes(fastify: FastifyInstance, { docs }: { docs: DocService }): Promise<void> {
  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness', security: [], response: { 200: HealthResponse, ...ERROR_RESPONSES } } },
    async () => ({ status: 'ok' as const, docsLoaded: docs.loadedCount, uptimeSeconds: Math.round(process.uptime()) }),
  );
}
