/**
 * Per-address rate limit of expensive reads (issue #13): GETs that render, diff or decode a whole
 * doc or event. Cheap reads and the WebSocket upgrade stay unlimited, and the limit is generous,
 * since a whole room behind one NAT address shares it. Answered 429 RATE_LIMITED past it.
 */
import type { FastifyInstance } from 'fastify';

/** GET routes (as registered) that cost a render, a diff or a checkpoint decode. */
export const EXPENSIVE_READ_ROUTES: ReadonlySet<string> = new Set([
  '/api/sessions/:sessionId/export',
  '/api/events/:eventId/export',
  '/api/sessions/:sessionId/diff',
  '/api/sessions/:sessionId/checkpoints/:ref',
  '/api/sessions/:sessionId/versions/:label',
  '/api/events/:eventId/followups',
  '/api/sessions/:sessionId/contributors',
  // A person's follow-ups across every event (issue #17): reads every session's docs.
  '/api/followups',
  // Etherpad's export URLs and API (server/http/etherpad-routes.ts): getText and getHTML of a
  // session pad render its export, and GET also carries Etherpad's writes.
  '/p/:pad/export/:type',
  '/api/:version/:fn',
  // Search (issue #17): a query over every session's index entries.
  '/api/search',
]);

/**
 * Gives each expensive read route its own @fastify/rate-limit config (per address, per route).
 * Call before registering @fastify/rate-limit, so its onRoute hook sees the config.
 */
export function limitExpensiveReads(app: FastifyInstance, maxPerMinute: number): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('GET') || !EXPENSIVE_READ_ROUTES.has(route.url)) return;
    // The global allowList exempts GETs from the write limit, not from this one.
    route.config = { ...route.config, rateLimit: { max: maxPerMinute, timeWindow: 60_000, allowList: () => false } };
  });
}
