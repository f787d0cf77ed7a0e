import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { META_FILE } from '../../server/app.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

const servers = serverPool();
afterEach(() => servers.closeAll());
const server = servers.start;

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

async function post(s: TestServer, url: string, body: string, contentType: string, headers: Record<string, string> = admin): Promise<Response> {
  return fetch(`${s.url}${url}`, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
}

describe('metadata API', () => {
  it('serves the seeded LPC 2019 event, its session and topics', async () => {
    const s = await server();
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');

    const events = await (await fetch(`${s.url}/api/events`)).json();
    expect(events.events).toEqual([expect.objectContaining({ id: 'lpc2019', title: 'Linux Plumbers Conference 2019', sessionCount: 1 })]);

    const event = await (await fetch(`${s.url}/api/events/lpc2019`)).json();
    expect(event.sessions.map((x: { id: string }) => x.id)).toEqual(['containers-cr']);

    const session = await (await fetch(`${s.url}/api/sessions/containers-cr`)).json();
    expect(session.title).toBe('Containers and Checkpoint/Restore MC');
    expect(session.leads.map((l: { email: string }) => l.email)).toEqual(['stgraber@stgraber.org', 'christian@brauner.io', 'mike.rapoport@gmail.com']);
    expect(session.topics).toHaveLength(19);
    expect(session.topics[0]).toEqual(expect.objectContaining({ id: 'android-containers', title: 'Android containers' }));
    expect(session.description).toContain('Containers and Checkpoint/Restore MC at Linux Plumbers');
  });

  it('answers unknown and malformed ids with 404/400 JSON errors', async () => {
    const s = await server();
    const missing = await fetch(`${s.url}/api/sessions/no-such-session`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('SESSION_NOT_FOUND');
    const missingEvent = await fetch(`${s.url}/api/events/nope`);
    expect((await missingEvent.json()).error.code).toBe('EVENT_NOT_FOUND');
    for (const bad of ['..%2F..%2Fetc', 'UPPER', 'a'.repeat(65), '%00x', 'with.dot']) {
      const response = await fetch(`${s.url}/api/sessions/${bad}`);
      expect(response.status, bad).toBe(400);
      expect((await response.json()).error.code).toBe('VALIDATION_FAILED');
    }
    const noRoute = await fetch(`${s.url}/api/nothing`);
    expect(noRoute.status).toBe(404);
    expect((await noRoute.json()).error.code).toBe('NOT_FOUND');
  });
});

describe('import', () => {
  it('imports a Markdown outline, then appends new topics to the existing session', async () => {
    const s = await server();
    const outline = '# Kernel Testing MC\nAll about tests.\nLeads: Ada <ada@example.org>\n- KUnit\n  - Speakers: Brendan\n- kselftest\n';
    const created = await post(s, '/api/events/lpc2020/sessions?eventTitle=LPC%202020', outline, 'text/markdown');
    expect(created.status).toBe(201);
    const result = await created.json();
    expect(result).toEqual({
      eventId: 'lpc2020',
      eventCreated: true,
      sessions: [{ id: 'kernel-testing-mc', created: true, leadToken: expect.stringMatching(/^mcp_[A-Za-z0-9_-]{43}$/), addedTopics: ['kunit', 'kselftest'], skippedTopics: [] }],
    });
    const again = await post(s, '/api/events/lpc2020/sessions', '# Kernel Testing MC\n- kselftest\n- Fuzzing\n', 'text/markdown');
    expect(again.status).toBe(200);
    expect((await again.json()).sessions[0]).toEqual({ id: 'kernel-testing-mc', created: false, addedTopics: ['fuzzing'], skippedTopics: ['kselftest'] });
    const session = await (await fetch(`${s.url}/api/sessions/kernel-testing-mc`)).json();
    expect(session.topics.map((t: { id: string }) => t.id)).toEqual(['kunit', 'kselftest', 'fuzzing']);
    expect(session.topics[0].speakers).toEqual(['Brendan']);
    expect(session.leads).toEqual([{ name: 'Ada', email: 'ada@example.org' }]);
    const event = await (await fetch(`${s.url}/api/events/lpc2020`)).json();
    expect(event.title).toBe('LPC 2020');
  });

  it('imports JSON and a plain-text page with an explicit id and title', async () => {
    const s = await server();
    const json = await post(s, '/api/events/lpc2019/sessions', JSON.stringify({ id: 'json-mc', title: 'JSON MC', topics: [{ title: 'One' }, { id: 'two', title: 'Two', speakers: ['X'] }] }), 'application/json');
    expect(json.status).toBe(201);
    expect((await json.json()).sessions[0].addedTopics).toEqual(['one', 'two']);

    const page = await readFile(path.join(import.meta.dirname, '../../data/seed/containers-cr.txt'), 'utf8');
    const text = await post(s, '/api/events/lpc2020/sessions?sessionId=containers-2020&title=Containers%202020', page, 'text/plain');
    expect(text.status).toBe(201);
    const session = await (await fetch(`${s.url}/api/sessions/containers-2020`)).json();
    expect(session.title).toBe('Containers 2020');
    expect(session.topics).toHaveLength(19);
  });

  it('refuses bad imports with 400 naming the problem, and changes nothing', async () => {
    const s = await server();
    const metaFile = path.join(s.dataDir, META_FILE);
    const before = await readFile(metaFile, 'utf8');
    const cases: Array<[string, string, string]> = [
      ['{"title": "x", "topics": [', 'application/json', 'IMPORT_INVALID|BAD_REQUEST'],
      [JSON.stringify({ title: 'X', topics: [{ title: '' }] }), 'application/json', 'IMPORT_INVALID'],
      [JSON.stringify({ id: 'Bad Id', title: 'X', topics: [] }), 'application/json', 'IMPORT_INVALID|INVALID_ID'],
      [JSON.stringify([{ title: 'Good', topics: [{ title: 'a' }] }, { title: 'Bad', topics: [{ title: 42 }] }]), 'application/json', 'IMPORT_INVALID'],
      ['- a topic before any session\n', 'text/markdown', 'IMPORT_INVALID'],
      ['', 'text/plain', 'IMPORT_INVALID'],
      ['just some words\nwith no topic list', 'text/plain', 'IMPORT_INVALID'],
    ];
    for (const [body, type, code] of cases) {
      const response = await post(s, '/api/events/lpc2019/sessions', body, type);
      expect(response.status, body).toBe(400);
      const error = (await response.json()).error;
      expect(error.code, body).toMatch(new RegExp(`^(${code})$`));
      expect(error.message.length).toBeGreaterThan(10);
    }
    // A session of another event cannot be taken over.
    const clash = await post(s, '/api/events/other/sessions', '# x\n- y\n', 'text/markdown');
    expect(clash.status).toBe(201);
    const takeover = await post(s, '/api/events/lpc2019/sessions?sessionId=x', '# x\n- z\n', 'text/markdown');
    expect(takeover.status).toBe(400);
    const after = JSON.parse(await readFile(metaFile, 'utf8'));
    const beforeData = JSON.parse(before);
    expect(after.sessions.filter((x: { id: string }) => x.id !== 'x')).toEqual(beforeData.sessions);
    expect(after.sessions.find((x: { id: string }) => x.id === 'x').topics.map((t: { id: string }) => t.id)).toEqual(['y']);
  });

  it('requires the admin token', async () => {
    const s = await server();
    const none = await post(s, '/api/events/lpc2019/sessions', '# A\n- b\n', 'text/markdown', {});
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('UNAUTHORIZED');
    const wrong = await post(s, '/api/events/lpc2019/sessions', '# A\n- b\n', 'text/markdown', { authorization: 'Bearer wrong-token' });
    expect(wrong.status).toBe(403);
    const list = await (await fetch(`${s.url}/api/events/lpc2019`)).json();
    expect(list.sessions).toHaveLength(1);
  });

  it('generates an admin token into the data dir when none is configured', async () => {
    const s = await server({ adminToken: null });
    expect(s.app.admin.created).toBe(true);
    const token = (await readFile(path.join(s.dataDir, 'admin-token'), 'utf8')).trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    const ok = await post(s, '/api/events/lpc2019/sessions', '# A\n- b\n', 'text/markdown', { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(201);
  });
});
