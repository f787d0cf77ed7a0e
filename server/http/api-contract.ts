/**
 * The API contract at the edge: every route declares request and response schemas (from
 * shared/api.ts); @fastify/swagger collects them into the OpenAPI document served at
 * `GET /api/openapi.json`. Register before any route, so every route is seen.
 */
import fastifySwagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { API_VERSION, ERROR_RESPONSES } from '../../shared/api.ts';

export const OPENAPI_PATH = '/api/openapi.json';

/** A route as registered: what the OpenAPI document must cover. */
export interface RegisteredRoute {
  method: string;
  url: string;
  /** Hidden from the document (the client's built files, served by @fastify/static). */
  hidden: boolean;
}

/** Returns the list of routes registered from now on (filled as they are registered). */
export async function installApiContract(app: FastifyInstance): Promise<RegisteredRoute[]> {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, hidden: route.schema?.hide === true });
  });
  // Response schemas document and type-check the answers; they do not filter them. Fastify's
  // default (fast-json-stringify) would silently drop any field a schema does not list, so JSON
  // answers stay plain JSON.stringify, as they were before the schemas existed.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mcpad API',
        version: API_VERSION,
        description: 'Live collaborative notes for conference microconferences. Roles per route: docs/api.md. Tokens go in `Authorization: Bearer <token>`, never in the URL.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A session link token or the admin token.' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'events', description: 'Events, sessions and topics' },
        { name: 'import', description: 'Creating sessions from a page, an outline or JSON (admin)' },
        { name: 'export', description: 'Post-event summaries' },
        { name: 'links', description: 'Session links and event access' },
        { name: 'action items', description: 'Action items and follow-ups' },
        { name: 'record', description: 'Now discussing, contributors' },
        { name: 'history', description: 'Checkpoints, diffs, restores, finalised versions' },
        { name: 'operations', description: 'Health, metrics, this document' },
        { name: 'collaboration', description: 'The y-websocket endpoint' },
        { name: 'pages', description: 'The browser client' },
        { name: 'etherpad', description: "Etherpad's HTTP API and pad URLs (docs/etherpad.md)" },
        { name: 'decisions', description: 'Decisions per topic, agreed by leads' },
      ],
    },
  });
  return routes;
}

/** `GET /api/openapi.json`: the document, built once all routes are registered. */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    OPENAPI_PATH,
    {
      schema: {
        tags: ['operations'],
        summary: 'This OpenAPI 3.1 document',
        security: [],
        response: { 200: Type.Object({ openapi: Type.String() }, { additionalProperties: true }), ...ERROR_RESPONSES },
      },
    },
    async () => app.swagger(),
  );
}
