/** `GET /metrics`: Prometheus text format (see server/metrics.ts for what is counted). */
import type { FastifyInstance } from 'fastify';
import { ERROR_RESPONSES, MetricsText } from '../../shared/api.ts';
import type { Metrics } from '../metrics.ts';

export async function metricsRoutes(app: FastifyInstance, { metrics }: { metrics: Metrics }): Promise<void> {
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics', security: [], response: { 200: MetricsText, ...ERROR_RESPONSES } } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
