/**
 * The edge refuses bad input (issue #6): every malformed request gets a 4xx JSON error naming the
 * problem (never a 500, never a stack trace), ids with traversal tricks are refused on every route
 * and on /collab without touching any file, and write routes check the admin token.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.ts';
import { makeTempDir, startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { rm } from 'node:fs/promises';

let servers: TestServer[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  dirs = [];
});

interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/** A request with the path sent exactly as written (fetch would normalise `../`). */
function request(port: number, method: string, rawPath: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // agent: false — a fresh connection each time, so one refused upgrade cannot affect the next.
    // Node sends a DELETE body without any framing unless the length is given.
    const framed = body === undefined || headers['content-length'] ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = http.request({ host: '127.0.0.1', port, method, path: rawPath, headers: framed, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('error', (error) => reject(new Error(`${method} ${rawPath}: ${error.message}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A WebSocket upgrade with the path as written: the HTTP status when refused, else the close
 *  code of the server's first frame. */
function upgrade(port: number, rawPath: string): Promise<{ status: number; closeCode: number | null }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: rawPath,
      agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => {
      res.resume();
      res.socket.destroy();
      resolve({ status: res.statusCode ?? 0, closeCode: null });
    });
    req.on('upgrade', (_res, socket, head) => {
      let buffer = Buffer.from(head);
      const check = (): void => {
        if (buffer.length < 4) return;
        socket.destroy();
        // The server's first frame must be a close frame (opcode 8) carrying the code.
        resolve({ status: 101, closeCode: (buffer[0]! & 0x0f) === 8 ? buffer.readUInt16BE(2) : -1 });
      };
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        check();
      });
      check();
    });
    req.on('error', (error) => reject(new Error(`upgrade ${rawPath}: ${error.message}`)));
    req.end();
  });
}

/** Bytes written straight to a TCP connection; the reply parsed just enough for the checks. */
function rawHttp(port: number, text: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0);
      const contentType = /content-type: *([^\r\n]+)/i.exec(head)?.[1] ?? '';
      resolve({ status, contentType, body: rest.join('\r\n\r\n') });
    });
  });
}

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const info = await stat(full);
    out.push(`${full} ${entry.isDirectory() ? 'dir' : info.size}`);
    if (entry.isDirectory()) out.push(...(await listTree(full)));
  }
  return out.sort();
}

const TRAVERSALS = [
  '..',
  '../meta.json',
  '../../sentinel',
  '..%2F..%2Fsentinel',
  '..%2fmeta.json',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fsentinel',
  '%2E%2E%5Csentinel',
  '.%2e',
  '%2fetc%2fpasswd',
  '%2Ftmp',
  'x%2fy',
  'containers-cr%00',
  '%00',
  'a%00..%2fb',
  '..%00',
  '%252e%252e%252fsentinel',
  'C:%5Cwindows',
  'a'.repeat(65),
  'a'.repeat(300),
  '.hidden',
  'UPPER',
  'with.dot',
  'trailing-',
  '%C0%AE%C0%AE%2F',
  '%EF%BC%8E%EF%BC%8E',
];

function expectJsonError(response: RawResponse, what: string): void {
  expect(response.status, what).toBeGreaterThanOrEqual(400);
  expect(response.status, what).toBeLessThan(500);
  expect(response.contentType, what).toContain('application/json');
  expect(response.body, what).toMatch(/^\{"error":\{"code":/);
  const body = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
  expect(response.body, what).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|"stack"/);
}

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('ids and paths', () => {
  it('refuses every traversal pattern on every route with an id and on /collab, touching no file', async () => {
    const root = await makeTempDir('mcpad-traversal-');
    dirs.push(root);
    await mkdir(path.join(root, 'data'));
    await mkdir(path.join(root, 'sentinel'));
    const s = await startServer({ dataDir: path.join(root, 'data') });
    // The search index checks every session's docs once at start: wait until it is done and the
    // docs it loaded were stored and unloaded (DOC_IDLE_UNLOAD_MS), so the files are at rest.
    await s.app.search.ready;
    await waitFor(() => s.app.docs.loadedCount === 0 && s.app.stateDocs.loadedCount === 0, 'the docs checked at start unloaded');
    servers.push(s);
    const before = await listTree(root);
    let tried = 0;
    for (const id of TRAVERSALS) {
      const routes: Array<[string, string, Record<string, string>, string?]> = [
        ['GET', `/api/events/${id}`, {}],
        ['GET', `/api/sessions/${id}`, {}],
        ['POST', `/api/events/${id}/sessions`, { ...admin, 'content-type': 'text/markdown' }, '# T\n- topic\n'],
        ['POST', `/api/events/lpc2019/sessions?sessionId=${id}`, { ...admin, 'content-type': 'text/markdown' }, '# T\n- topic\n'],
        ['GET', `/api/sessions/${id}/export?format=md`, {}],
        ['GET', `/api/events/${id}/export?format=json`, {}],
        ['GET', `/api/events/${id}/followups`, {}],
        ['GET', `/api/sessions/${id}/action-items`, admin],
        ['PATCH', `/api/sessions/no-such-session/action-items/${id}`, { ...admin, 'content-type': 'application/json' }, '{"text":"x"}'],
        ['GET', `/api/sessions/${id}/tokens`, admin],
        ['GET', `/api/sessions/${id}/checkpoints`, admin],
        ['GET', `/api/sessions/no-such-session/checkpoints/${id}`, admin],
        ['POST', `/api/sessions/${id}/versions`, { ...admin, 'content-type': 'application/json' }, '{"confirm":true}'],
        ['GET', `/api/sessions/no-such-session/versions/${id}`, admin],
        ['PUT', `/api/sessions/${id}/discussion`, { ...admin, 'content-type': 'application/json' }, '{"topicId":null}'],
      ];
      for (const [method, url, headers, body] of routes) {
        const response = await request(s.port, method, url, headers, body);
        tried++;
        expectJsonError(response, `${method} ${url}`);
      }
      for (const path of [`/collab/${id}`, `/collab/${id}/state`]) {
        const ws = await upgrade(s.port, path);
        tried++;
        if (ws.status === 101) expect(ws.closeCode, path).toBe(CloseCode.BAD_MESSAGE);
        else expect([400, 404], path).toContain(ws.status);
      }
    }
    // Ids inside JSON bodies go through the same pattern.
    for (const id of TRAVERSALS.slice(0, 10)) {
      const body = JSON.stringify({ id, title: 'Sneaky', topics: [{ id, title: 'Sneaky topic' }] });
      const response = await request(s.port, 'POST', '/api/events/lpc2019/sessions', { ...admin, 'content-type': 'application/json' }, body);
      tried++;
      expectJsonError(response, `JSON body id ${id}`);
    }
    console.log(`traversal: ${TRAVERSALS.length} patterns, ${tried} requests, all refused; files under ${root} unchanged`);
    expect(await listTree(root)).toEqual(before);
    expect(await readdir(path.join(root, 'sentinel'))).toEqual([]);
  });
});

describe('bad requests', () => {
  it('answers every malformed request with a 4xx JSON error, never a 500 or a stack trace', async () => {
    const s = await server();
    const json = { ...admin, 'content-type': 'application/json' };
    const cases: Array<{ name: string; method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; status?: number; code?: string }> = [
      { name: 'malformed JSON', method: 'POST', path: '/api/events/lpc2019/sessions', headers: json, body: '{"title": "x", ', status: 400, code: 'BAD_REQUEST' },
      { name: 'JSON of the wrong shape', method: 'POST', path: '/api/events/lpc2019/sessions', headers: json, body: '{"title": 42}', status: 400, code: 'IMPORT_INVALID' },
      { name: 'JSON array of junk', method: 'POST', path: '/api/events/lpc2019/sessions', headers: json, body: '[1, 2, 3]', status: 400 },
      { name: 'JSON null', method: 'POST', path: '/api/events/lpc2019/sessions', headers: json, body: 'null', status: 400 },
      { name: 'empty JSON body', method: 'POST', path: '/api/events/lpc2019/sessions', headers: json, body: '', status: 400 },
      { name: 'deeply nested JSON', method: 'POST', path: '/api/events/lpc2019/sessions', headers: json, body: '['.repeat(5000) + ']'.repeat(5000), status: 400 },
      { name: 'prototype pollution', method: 'POST', path: '/api/events/lpc2019/sessions', headers: json, body: '{"__proto__": {"admin": true}, "title": "x", "topics": []}', status: 400 },
      { name: 'unsupported content type', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { ...admin, 'content-type': 'application/xml' }, body: '<x/>', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: 'garbage content type', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { ...admin, 'content-type': ';;;===' }, body: 'x', status: 415 },
      { name: 'no content type', method: 'POST', path: '/api/events/lpc2019/sessions', headers: admin, body: 'x' },
      { name: 'binary garbage as text', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { ...admin, 'content-type': 'text/plain' }, body: Buffer.from([0xff, 0xfe, 0, 1, 2]), status: 400 },
      { name: 'empty page', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { ...admin, 'content-type': 'text/plain' }, body: '', status: 400 },
      { name: 'huge body', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { ...admin, 'content-type': 'text/plain' }, body: 'x'.repeat(3 * 1024 * 1024), status: 413, code: 'PAYLOAD_TOO_LARGE' },
      { name: 'unknown format', method: 'POST', path: '/api/events/lpc2019/sessions?format=xml', headers: { ...admin, 'content-type': 'text/plain' }, body: 'x', status: 400, code: 'VALIDATION_FAILED' },
      { name: 'empty title', method: 'POST', path: '/api/events/lpc2019/sessions?title=', headers: { ...admin, 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 400 },
      { name: 'over-long title', method: 'POST', path: `/api/events/lpc2019/sessions?title=${'t'.repeat(400)}`, headers: { ...admin, 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 400 },
      { name: 'repeated query param', method: 'POST', path: '/api/events/lpc2019/sessions?format=page&format=json', headers: { ...admin, 'content-type': 'text/plain' }, body: 'x', status: 400 },
      { name: 'broken percent-encoding in query', method: 'POST', path: '/api/events/lpc2019/sessions?format=%E0%A4%A', headers: { ...admin, 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 400 },
      { name: 'broken percent-encoding in path', method: 'GET', path: '/api/sessions/%E0%A4%A', status: 400 },
      { name: 'no token', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 401, code: 'UNAUTHORIZED' },
      { name: 'wrong token', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { authorization: 'Bearer not-the-token-at-all', 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 403, code: 'FORBIDDEN' },
      { name: 'empty bearer', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { authorization: 'Bearer ', 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 401, code: 'UNAUTHORIZED' },
      { name: 'basic auth', method: 'POST', path: '/api/events/lpc2019/sessions', headers: { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}`, 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 401 },
      { name: 'token in the query string', method: 'POST', path: `/api/events/lpc2019/sessions?token=${TEST_ADMIN_TOKEN}`, headers: { 'content-type': 'text/markdown' }, body: '# T\n- t\n', status: 400, code: 'TOKEN_IN_URL' },
      { name: 'unknown event on GET', method: 'GET', path: '/api/events/no-such-event', status: 404, code: 'EVENT_NOT_FOUND' },
      { name: 'unknown session on GET', method: 'GET', path: '/api/sessions/no-such-session', status: 404, code: 'SESSION_NOT_FOUND' },
      { name: 'unknown route', method: 'GET', path: '/api/nothing', status: 404, code: 'NOT_FOUND' },
      { name: 'very long URL', method: 'GET', path: `/api/sessions/${'a'.repeat(8000)}` },
      { name: 'plain GET of /collab', method: 'GET', path: '/collab/containers-cr' },
    ];
    for (const route of ['/healthz', '/api/events', '/api/events/lpc2019', '/api/sessions/containers-cr', '/api/events/lpc2019/sessions']) {
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        // PATCH of an event or a session edits it (issue #15): an empty body is a validation error there.
        const status = method === 'PATCH' && (route === '/api/events/lpc2019' || route === '/api/sessions/containers-cr') ? 400 : 404;
        cases.push({ name: `${method} ${route}`, method, path: route, headers: json, body: '{}', status });
      }
    }
    cases.push({ name: 'bad follow-up status', method: 'PATCH', path: '/api/sessions/containers-cr/action-items/abc', headers: json, body: '{"status":"bogus"}', status: 400 });
    cases.push({ name: 'bad action-item id', method: 'PATCH', path: '/api/sessions/containers-cr/action-items/..%2F..', headers: json, body: '{"text":"x"}', status: 400 });
    cases.push({ name: 'bad board filter', method: 'GET', path: '/api/events/lpc2019/followups?status=bogus', status: 400 });
    cases.push({ name: 'bad checkpoint ref', method: 'GET', path: '/api/sessions/containers-cr/diff?from=x&to=live', status: 400 });
    cases.push({ name: 'discussion without topic', method: 'PUT', path: '/api/sessions/containers-cr/discussion', headers: json, body: '{}', status: 400 });
    cases.push({ name: 'link with unknown role', method: 'POST', path: '/api/sessions/containers-cr/tokens', headers: json, body: '{"role":"king"}', status: 400 });
    cases.push({ name: 'GET of the import route', method: 'GET', path: '/api/events/lpc2019/sessions', status: 404 });
    cases.push({ name: 'POST to a read route', method: 'POST', path: '/api/sessions/containers-cr', headers: json, body: '{}', status: 404 });
    cases.push({ name: 'POST to /healthz', method: 'POST', path: '/healthz', headers: json, body: '{}', status: 404 });

    for (const c of cases) {
      const response = await request(s.port, c.method, c.path, c.headers ?? {}, c.body);
      expectJsonError(response, c.name);
      if (c.status) expect(response.status, `${c.name}: ${response.body}`).toBe(c.status);
      if (c.code) expect(JSON.parse(response.body).error.code, c.name).toBe(c.code);
    }
    // Requests Node's parser refuses before Fastify sees them.
    const rawCases = ['GARBAGE\r\n\r\n', 'GET /api/events HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', `GET /api/events HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 'GET /api/events HTTP/9.9\r\n\r\n'];
    for (const text of rawCases) {
      const response = await rawHttp(s.port, text);
      expectJsonError(response, `raw ${JSON.stringify(text.slice(0, 40))}`);
    }
    console.log(`bad requests: ${cases.length + rawCases.length} kinds tried, every one a 4xx JSON error`);
    // Nothing was imported by any of them.
    const event = JSON.parse((await request(s.port, 'GET', '/api/events/lpc2019')).body) as { sessions: unknown[] };
    expect(event.sessions).toHaveLength(1);
  });
});

async function server(): Promise<TestServer> {
  const s = await startServer();
  servers.push(s);
  return s;
}
