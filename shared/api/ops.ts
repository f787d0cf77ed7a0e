/** Operations endpoints: liveness and Prometheus metrics. */
import { Type, type Static } from '@sinclair/typebox';
import { MediaBody } from './common.ts';

export const HealthResponse = Type.Object(
  { status: Type.Literal('ok'), docsLoaded: Type.Integer({ minimum: 0 }), uptimeSeconds: Type.Integer({ minimum: 0 }) },
  { examples: [{ status: 'ok', docsLoaded: 3, uptimeSeconds: 3600 }] },
);
export type HealthResponse = Static<typeof HealthResponse>;

export const MetricsText = MediaBody(['text/plain'], 'Prometheus text exposition format.');

/** The browser client's page (one SPA shell), or a page saying the client is not built (503). */
export const ClientPage = MediaBody(['text/html'], 'The browser client page.');
