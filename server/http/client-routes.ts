/**
 * Serves the browser client built by Vite (client/dist/): the page for `/`, `/s/:sessionId`,
 * `/s/:sessionId/read`, `/s/:sessionId/present`, `/s/:sessionId/history` and `/e/:eventId/followups` (one SPA shell), and
 * the static files next to it. `/api`, `/collab` and
 * `/healthz` are more specific routes and keep working. When the build is missing the page routes
 * answer 503 with how to build it, instead of the server failing to start.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ClientPage } from '../../shared/api.ts';

export interface ClientRoutesOptions {
  /** The Vite output folder (holds index.html). */
  distDir: string;
}

const PAGE_ROUTES = ['/', '/admin', '/s/:sessionId', '/s/:sessionId/read', '/s/:sessionId/present', '/s/:sessionId/history', '/e/:eventId/followups', '/followups/person/:name'];

/** Page routes are in the OpenAPI document (no token: the page reads it from its URL); the built
 *  files next to them are hidden there, as @fastify/static does by default. */
const pageSchema = { tags: ['pages'], summary: 'The browser client (503 when it is not built)', security: [], response: { 200: ClientPage, 503: ClientPage } };

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>mcpad: client not built</title>
<h1>The browser client has not been built</h1>
<p>Run <code>npm run build</code> (<code>npm start</code> does it for you) and reload this page.
The API (<code>/api</code>) and the collaboration endpoint (<code>/collab</code>) work without it.</p>`;

export async function clientRoutes(app: FastifyInstance, { distDir }: ClientRoutesOptions): Promise<void> {
  const indexFile = path.join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn({ distDir }, 'browser client not built: run `npm run build`');
    for (const url of PAGE_ROUTES) {
      app.get(url, { schema: pageSchema }, async (_request, reply) => reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE));
    }
    return;
  }

  await app.register(fastifyStatic, {
    root: distDir,
    index: false,
    // One route per built file (the build happens before start) rather than a `/*` wildcard, which
    // would also swallow unknown paths, and WebSocket upgrades of them, meant for the 404 handler.
    wildcard: false,
    cacheControl: false,
    setHeaders(reply, filePath) {
      // Hashed file names never change; the page and the service worker must always be fresh.
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendPage = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  for (const url of PAGE_ROUTES) app.get(url, { schema: pageSchema }, async (_request, reply) => sendPage(reply));
}
