/**
 * Issue #15: the import preview (`?dryRun=true`) answers what an import would create, names each
 * problem's line or JSON path, and writes nothing; only the admin may ask.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

const pool = serverPool();
let s: TestServer;
let seedPage: string;

async function post(pathAndQuery: string, body: string, type: string, token: string | null = TEST_ADMIN_TOKEN): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${pathAndQuery}`, { method: 'POST', headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  return { status: response.status, json: await response.json() };
}

/** Everything an import writes: events, sessions, the audit log. */
async function written(): Promise<string> {
  const events = await (await fetch(`${s.url}/api/events`)).json();
  return JSON.stringify(events);
}

beforeAll(async () => {
  s = await pool.start({ seedDir: null });
  seedPage = await readFile(path.join(import.meta.dirname, '../../data/seed/containers-cr.txt'), 'utf8');
});
afterAll(() => pool.closeAll());

describe('import preview', () => {
  it('the seed MC page previews as 19 new topics and 3 leads, and nothing is written', async () => {
    const before = await written();
    const preview = await post('/api/events/lpc2019/sessions?dryRun=true&sessionId=containers-cr', seedPage, 'text/plain');
    expect(preview.status).toBe(200);
    expect(preview.json.dryRun).toBe(true);
    expect(preview.json.sessions).toHaveLength(1);
    const [session] = preview.json.sessions;
    expect(session).toMatchObject({ id: 'containers-cr', exists: false });
    expect(session.topics).toHaveLength(19);
    expect(session.topics.every((t: { status: string; id: string }) => t.status === 'new' && t.id !== '')).toBe(true);
    expect(session.leads).toHaveLength(3);
    expect(preview.json.problems).toEqual([]);
    expect(await written()).toBe(before);
  });

  it('into an existing session: the topics it has are "existing", the others "new"', async () => {
    const imported = await post('/api/events/lpc2019/sessions?sessionId=containers-cr', seedPage, 'text/plain');
    expect(imported.status).toBe(201);
    const outline = '# Containers and Checkpoint/Restore MC\n- Android containers\n- A brand new topic\n';
    const before = await written();
    const preview = await post('/api/events/lpc2019/sessions?dryRun=true&sessionId=containers-cr', outline, 'text/markdown');
    expect(preview.status).toBe(200);
    expect(preview.json.sessions[0].exists).toBe(true);
    expect(preview.json.sessions[0].topics.map((t: { title: string; status: string }) => [t.title, t.status])).toEqual([
      ['Android containers', 'existing'],
      ['A brand new topic', 'new'],
    ]);
    expect(await written()).toBe(before);
  });

  it('non-fatal problems name their line or JSON path', async () => {
    const outline = '# Kernel MC\n- io_uring\n- eBPF\n- io_uring\n';
    const md = await post('/api/events/conf/sessions?dryRun=true', outline, 'text/markdown');
    expect(md.status).toBe(200);
    expect(md.json.sessions[0].topics.map((t: { title: string }) => t.title)).toEqual(['io_uring', 'eBPF']);
    expect(md.json.problems).toEqual([{ where: 'line 4', message: expect.any(String) }]);
    const untitled = await post('/api/events/conf/sessions?dryRun=true&sessionId=kernel-mc', '# Kernel MC\n- io_uring\n-\n  an abstract of nothing\n- eBPF\n', 'text/markdown');
    expect(untitled.json.sessions[0].topics.map((t: { title: string }) => t.title)).toEqual(['io_uring', 'eBPF']);
    expect(untitled.json.problems).toEqual([{ where: 'line 3', message: expect.any(String) }]);
    const json = JSON.stringify({ sessions: [{ title: 'Kernel MC', topics: [{ title: 'A' }, { title: 'a' }] }] });
    const fromJson = await post('/api/events/conf/sessions?dryRun=true', json, 'application/json');
    expect(fromJson.json.problems).toEqual([{ where: '$.sessions[0].topics[1]', message: expect.any(String) }]);
  });

  it('documents that cannot be imported are 400 IMPORT_INVALID with the place, and nothing is written', async () => {
    const before = await written();
    const badJson = await post('/api/events/conf/sessions?dryRun=true', JSON.stringify({ sessions: [{ title: '', topics: [] }] }), 'application/json');
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.code).toBe('IMPORT_INVALID');
    expect(badJson.json.problems).toEqual([{ where: '$.sessions[0].title', message: expect.any(String) }]);
    const badOutline = await post('/api/events/conf/sessions?dryRun=true', '- a topic before any session\n', 'text/markdown');
    expect(badOutline.status).toBe(400);
    expect(badOutline.json.problems[0].where).toBe('line 1');
    const truncated = await post('/api/events/conf/sessions?dryRun=true', '{"sessions": [', 'application/json');
    expect(truncated.status).toBe(400);
    const otherEvent = await post('/api/events/other/sessions?dryRun=true&sessionId=containers-cr', seedPage, 'text/plain');
    expect(otherEvent.status).toBe(400);
    expect(otherEvent.json.error.code).toBe('IMPORT_INVALID');
    expect(otherEvent.json.problems).toHaveLength(1);
    expect(await written()).toBe(before);
  });

  it('only the admin may preview', async () => {
    const created = await post('/api/events/lpc2019/sessions', JSON.stringify({ id: 'x-mc', title: 'X', topics: [{ title: 'T' }] }), 'application/json');
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const lead = created.json.sessions[0].leadToken as string;
    const before = await written();
    for (const [who, token] of [['lead', lead], ['unknown token', 'mcp_not-a-token'], ['anonymous', null]] as const) {
      expect([401, 403], who).toContain((await post('/api/events/lpc2019/sessions?dryRun=true', seedPage, 'text/plain', token)).status);
    }
    expect(await written()).toBe(before);
  });
});
