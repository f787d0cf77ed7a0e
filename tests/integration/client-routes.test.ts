import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { clientRoutes } from '../../server/http/client-routes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

describe('serving the browser client', () => {
  it('serves the page for /, /s/:id (and /read, /present, /history), /e/:id/followups, static files, and leaves /api and /healthz alone', async () => {
    const s = await startServer();
    servers.push(s);
    const { fastify } = s.app;
    for (const url of ['/', '/s/containers-cr', '/s/containers-cr/read', '/s/containers-cr/present', '/s/containers-cr/history', '/e/lpc2019/followups', '/s/unknown-session', '/admin', '/followups/person/Demo%20person']) {
      const page = await fastify.inject({ url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.body).toContain('<main id="app"');
    }
    const favicon = await fastify.inject({ url: '/favicon.svg' });
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers['content-type']).toContain('image/svg+xml');
    const sw = await fastify.inject({ url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec((await fastify.inject({ url: '/' })).body)?.[1];
    expect(asset).toBeDefined();
    const script = await fastify.inject({ url: asset! });
    expect(script.statusCode).toBe(200);
    expect(script.headers['cache-control']).toContain('immutable');

    expect((await fastify.inject({ url: '/api/events' })).json().events.length).toBeGreaterThan(0);
    expect((await fastify.inject({ url: '/healthz' })).json().status).toBe('ok');
    const missingApi = await fastify.inject({ url: '/api/nothing-here' });
    expect(missingApi.statusCode).toBe(404);
    expect(missingApi.json().error.code).toBe('NOT_FOUND');
    expect((await fastify.inject({ url: '/assets/missing.js' })).json().error.code).toBe('NOT_FOUND');
  });

  it('answers the page routes with 503 and how to build when the client is not built', async () => {
    const app = Fastify({ logger: false });
    await app.register(clientRoutes, { distDir: '/nonexistent/client/dist' });
    const page = await app.inject({ url: '/s/containers-cr' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
    await app.close();
  });
});
