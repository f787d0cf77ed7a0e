/** `GET /healthz`: liveness for load balancers and scripts. */
import type { FastifyInstance } from 'fastify';
import type { DocService } from '../docs/doc-service.ts';

export async function healthRoutes(app: FastifyInstance, { docs }: { docs: DocService }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok', docsLoaded: docs.loadedCount, uptimeSeconds: Math.round(process.uptime()) }));
}
