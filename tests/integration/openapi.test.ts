/**
 * The API contract (issue #14): `GET /api/openapi.json` is a valid OpenAPI 3.1 document, covers
 * every route the app registers, every documented example validates against its schema, and real
 * answers of a tour through the API validate against the documented response schemas.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: Array<{ name: string; in: string; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** The client's built files (hidden by @fastify/static): the only routes not in the document. */
const CLIENT_DIST = path.join(PROJECT_ROOT, 'client', 'dist');
const isClientAsset = (url: string): boolean => url !== '/' && !url.includes(':') && existsSync(path.join(CLIENT_DIST, url));

const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

let s: TestServer;
let doc: OpenApiDocument;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

beforeAll(async () => {
  s = await startServer();
  const response = await fetch(`${s.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  doc = (await response.json()) as OpenApiDocument;
});
afterAll(() => s.close());

/**
 * Every documented example with the schema it illustrates: @fastify/swagger moves a schema's
 * `examples` to its media type or parameter (`example`, or `examples: {name: {value}}`); nested
 * schemas keep theirs (`examples: [...]`).
 */
function documentedExamples(node: unknown, where: string, found: Array<{ where: string; schema: Schema; example: unknown }> = []) {
  if (Array.isArray(node)) node.forEach((child, i) => documentedExamples(child, `${where}[${i}]`, found));
  else if (node && typeof node === 'object') {
    const object = node as Schema;
    const holder = object.schema as Schema | undefined;
    if (holder && 'example' in object) found.push({ where, schema: holder, example: object.example });
    if (holder && object.examples && typeof object.examples === 'object' && !Array.isArray(object.examples)) {
      for (const [name, entry] of Object.entries(object.examples as Record<string, { value: unknown }>)) found.push({ where: `${where} (${name})`, schema: holder, example: entry.value });
    }
    if (!holder && Array.isArray(object.examples)) {
      const { examples, ...schema } = object;
      for (const example of examples as unknown[]) found.push({ where, schema, example });
    }
    for (const [key, child] of Object.entries(object)) if (key !== 'examples' && key !== 'example') documentedExamples(child, `${where}/${key}`, found);
  }
  return found;
}

describe('GET /api/openapi.json', () => {
  it('is a structurally valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('covers every route the app registers, except the client built files', () => {
    const documented = new Set(Object.entries(doc.paths).flatMap(([url, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${url}`)));
    const gets = new Set(s.app.routes.filter((r) => r.method === 'GET').map((r) => r.url));
    const missing: string[] = [];
    for (const route of s.app.routes) {
      // HEAD routes are the ones Fastify adds for each GET.
      if (route.method === 'HEAD' && gets.has(route.url)) continue;
      if (route.hidden) {
        expect(isClientAsset(route.url), `${route.method} ${route.url} is hidden but not a client file`).toBe(true);
        continue;
      }
      if (!documented.has(`${route.method} ${openApiPath(route.url)}`)) missing.push(`${route.method} ${route.url}`);
    }
    expect(missing).toEqual([]);
    expect(s.app.routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD').length).toBeGreaterThanOrEqual(27);
  });

  it('declares a response schema (success and error) on every /api route', () => {
    for (const [url, ops] of Object.entries(doc.paths).filter(([url]) => url.startsWith('/api/'))) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses);
        expect(codes.some((c) => /^2\d\d$/.test(c)), `${method} ${url}`).toBe(true);
        expect(op.responses['4XX']?.content?.['application/json']?.schema, `${method} ${url}`).toBeDefined();
      }
    }
  });

  it('has examples that validate against their schemas', () => {
    const found = documentedExamples(doc.paths, '#/paths');
    expect(found.length).toBeGreaterThanOrEqual(25);
    for (const { where, schema, example } of found) {
      const validate = ajv.compile(schema);
      expect(validate(example) ? [] : validate.errors, `${where}: ${JSON.stringify(example)}`).toEqual([]);
    }
  });
});

describe('real answers match the documented response schemas', () => {
  async function call(method: string, template: string, url: string, body?: unknown, token = TEST_ADMIN_TOKEN): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${s.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as unknown;
    const op = doc.paths[template]?.[method.toLowerCase()];
    expect(op, `${method} ${template} is documented`).toBeDefined();
    const documented = op!.responses[String(response.status)] ?? op!.responses[`${String(response.status)[0]}XX`];
    const schema = documented?.content?.['application/json']?.schema;
    expect(schema, `${method} ${url} → ${response.status} has a JSON schema`).toBeDefined();
    const validate = ajv.compile(schema!);
    expect(validate(json) ? [] : validate.errors, `${method} ${url} → ${response.status}: ${JSON.stringify(json)}`).toEqual([]);
    return { status: response.status, json };
  }

  it('on a tour through events, links, action items, the record and history', async () => {
    const sid = 'containers-cr';
    const base = '/api/sessions/{sessionId}';
    expect((await call('GET', '/healthz', '/healthz')).status).toBe(200);
    expect((await call('GET', '/api/events', '/api/events')).status).toBe(200);
    expect((await call('GET', '/api/events/{eventId}', '/api/events/lpc2019')).status).toBe(200);
    const session = (await call('GET', base, `/api/sessions/${sid}`)).json as { topics: Array<{ id: string }> };
    const topicId = session.topics[0]!.id;
    expect((await call('GET', '/api/sessions/{sessionId}', '/api/sessions/no-such-session')).status).toBe(404);
    expect((await call('GET', `${base}/access`, `/api/sessions/${sid}/access`)).status).toBe(200);
    const link = (await call('POST', `${base}/tokens`, `/api/sessions/${sid}/tokens`, { role: 'viewer', label: 'stream' })).json as { id: string };
    expect((await call('GET', `${base}/tokens`, `/api/sessions/${sid}/tokens`)).status).toBe(200);
    expect((await call('DELETE', `${base}/tokens/{tokenId}`, `/api/sessions/${sid}/tokens/${link.id}`)).status).toBe(200);
    const item = (await call('POST', `${base}/action-items`, `/api/sessions/${sid}/action-items`, { topicId, text: 'Send the patches', createdBy: 'Ada' })).json as { id: string };
    const patched = `/api/sessions/${sid}/action-items/${item.id}`;
    expect((await call('PATCH', `${base}/action-items/{itemId}`, patched, { assignee: { name: 'Jens' }, due: '2019-10-01', status: 'in-progress' })).status).toBe(200);
    expect((await call('GET', `${base}/action-items`, `/api/sessions/${sid}/action-items`)).status).toBe(200);
    expect((await call('GET', '/api/events/{eventId}/followups', '/api/events/lpc2019/followups')).status).toBe(200);
    expect((await call('PUT', `${base}/discussion`, `/api/sessions/${sid}/discussion`, { topicId })).status).toBe(200);
    expect((await call('GET', `${base}/discussion`, `/api/sessions/${sid}/discussion`)).status).toBe(200);
    expect((await call('GET', `${base}/contributors`, `/api/sessions/${sid}/contributors`)).status).toBe(200);
    const checkpoint = (await call('POST', `${base}/checkpoints`, `/api/sessions/${sid}/checkpoints`)).json as { id: string };
    expect((await call('GET', `${base}/checkpoints`, `/api/sessions/${sid}/checkpoints`)).status).toBe(200);
    expect((await call('GET', `${base}/checkpoints/{ref}`, `/api/sessions/${sid}/checkpoints/${checkpoint.id}`)).status).toBe(200);
    expect((await call('GET', `${base}/checkpoints/{ref}`, `/api/sessions/${sid}/checkpoints/live`)).status).toBe(200);
    expect((await call('GET', `${base}/diff`, `/api/sessions/${sid}/diff?from=${checkpoint.id}&to=live`)).status).toBe(200);
    expect((await call('POST', `${base}/checkpoints/{ref}/restore`, `/api/sessions/${sid}/checkpoints/${checkpoint.id}/restore`, { topicId })).status).toBe(200);
    expect((await call('POST', `${base}/versions`, `/api/sessions/${sid}/versions`, { confirm: true })).status).toBe(201);
    expect((await call('GET', `${base}/versions`, `/api/sessions/${sid}/versions`)).status).toBe(200);
    expect((await call('GET', `${base}/versions/{label}`, `/api/sessions/${sid}/versions/0`)).status).toBe(200);
    expect((await call('PATCH', '/api/events/{eventId}', '/api/events/lpc2019', { participantAccess: 'open' })).status).toBe(200);
    expect((await call('POST', '/api/events/{eventId}/sessions', '/api/events/new-event/sessions?format=json&eventTitle=New', { sessions: [{ title: 'New MC', topics: [{ title: 'One' }] }] })).status).toBe(201);
    expect((await call('POST', `${base}/action-items`, `/api/sessions/${sid}/action-items`, { topicId, text: '' })).status).toBe(400);
  });

  it('on a tour through the organiser and lead edits (issue #15)', async () => {
    const sid = 'containers-cr';
    const base = '/api/sessions/{sessionId}';
    expect((await call('POST', '/api/events', '/api/events', { id: 'tour-event', title: 'Tour' })).status).toBe(201);
    expect((await call('PATCH', '/api/events/{eventId}', '/api/events/tour-event', { title: 'Tour 2', description: 'd' })).status).toBe(200);
    expect((await call('PATCH', base, `/api/sessions/${sid}`, { schedule: { start: '2019-09-10T10:00:00+02:00' } })).status).toBe(200);
    const topic = (await call('POST', `${base}/topics`, `/api/sessions/${sid}/topics`, { title: 'Tour topic', speakers: ['Ada'] })).json as { id: string };
    expect((await call('PATCH', `${base}/topics/{topicId}`, `/api/sessions/${sid}/topics/${topic.id}`, { title: 'Tour topic, renamed' })).status).toBe(200);
    const ids = ((await call('GET', base, `/api/sessions/${sid}`)).json as { topics: Array<{ id: string }> }).topics.map((t) => t.id);
    expect((await call('PUT', `${base}/topic-order`, `/api/sessions/${sid}/topic-order`, { topicIds: [...ids].reverse() })).status).toBe(200);
    expect((await call('PUT', `${base}/archived`, `/api/sessions/${sid}/archived`, { archived: true })).status).toBe(200);
    expect((await call('GET', '/api/events/{eventId}', '/api/events/lpc2019')).status).toBe(200);
    expect((await call('PATCH', base, `/api/sessions/${sid}`, { title: 'x' })).status).toBe(409);
    expect((await call('PUT', `${base}/archived`, `/api/sessions/${sid}/archived`, { archived: false })).status).toBe(200);
    expect((await call('GET', '/api/events/{eventId}/audit', '/api/events/lpc2019/audit?limit=5')).status).toBe(200);
    const json = { sessions: [{ title: 'Preview MC', topics: [{ title: 'One' }, { title: 'one' }] }] };
    expect((await call('POST', '/api/events/{eventId}/sessions', '/api/events/lpc2019/sessions?dryRun=true', json)).status).toBe(200);
    expect((await call('POST', '/api/events/{eventId}/sessions', '/api/events/lpc2019/sessions?dryRun=true', { sessions: [{ title: '', topics: [] }] })).status).toBe(400);
  });
});
