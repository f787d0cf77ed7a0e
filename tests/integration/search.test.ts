/**
 * Search (issue #17) against the real server: live edits through the stock WebsocketProvider,
 * ranking, phrases, prefixes, typos, snippets, filters, paging, the read rules per role, hostile
 * queries, and a graceful restart that loads the persisted index.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEARCH_INDEX_FILE } from '../../server/app.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { api } from '../helpers/session-api.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const SHIFTFS_TOPIC = 'agree-on-an-upstreamable-approach-to-shiftfs';
const OTHER_TOPIC = 'android-containers';
const pool = serverPool();
let s: TestServer;

async function get(pathAndQuery: string, token: string | undefined = undefined): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${pathAndQuery}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, json: await response.json() };
}

async function post(pathName: string, body: unknown, token = TEST_ADMIN_TOKEN): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${pathName}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

const search = (q: string, extra = '', token?: string) => get(`/api/search?q=${encodeURIComponent(q)}${extra}`, token);

/** Types `text` at the end of a topic's notes through a stock WebsocketProvider. */
async function type(sessionId: string, topicId: string, text: string): Promise<void> {
  const client = connectClient(s.collabUrl, sessionId);
  await client.synced();
  const notes = client.notes(topicId);
  notes.insert(notes.length, text);
}

beforeEach(async () => {
  s = await pool.start({ searchReindexDelayMs: 300 });
  await s.app.search.ready;
});

afterEach(async () => {
  destroyAllClients();
  await pool.closeAll();
});

describe('search', () => {
  it('finds text typed through the stock WebsocketProvider within 2 s', async () => {
    expect((await search('quokkafilesystem')).json.results).toEqual([]);
    const typedAt = Date.now();
    await type(SESSION, OTHER_TOPIC, ' The quokkafilesystem idea came up. ');
    const found = await waitFor(async () => (await search('quokkafilesystem')).json.results[0], 'the typed word to be searchable', 2_000);
    expect(Date.now() - typedAt).toBeLessThan(2_000);
    expect(found).toMatchObject({ eventId: 'lpc2019', sessionId: SESSION, topicId: OTHER_TOPIC, kind: 'notes', eventTitle: 'Linux Plumbers Conference 2019' });
    expect(found.snippet).toContain('<mark>quokkafilesystem</mark>');
  });

  it('ranks a topic title match above a notes match', async () => {
    await type(SESSION, OTHER_TOPIC, 'We compared it with shiftfs at length.');
    await waitFor(async () => (await search('shiftfs')).json.results.some((r: any) => r.topicId === OTHER_TOPIC), 'the notes match');
    const { results } = (await search('shiftfs')).json;
    expect(results[0]).toMatchObject({ topicId: SHIFTFS_TOPIC, kind: 'notes' });
    expect(results[0].score).toBeGreaterThan(results.find((r: any) => r.topicId === OTHER_TOPIC).score);
  });

  it('matches phrases only when the words are adjacent, prefixes and typos, and escapes snippets', async () => {
    await type(SESSION, OTHER_TOPIC, 'binder devices <script>alert(1)</script> devices for binder and wallabyfs checkpointing');
    await waitFor(async () => (await search('wallabyfs')).json.results.length > 0, 'the notes');
    const inTopic = async (q: string) => (await search(q)).json.results.filter((r: any) => r.topicId === OTHER_TOPIC);
    expect(await inTopic('"binder devices"')).toHaveLength(1);
    expect(await inTopic('"devices binder"')).toHaveLength(0);
    expect(await inTopic('wallab')).toHaveLength(1); // prefix
    expect(await inTopic('walabyfs')).toHaveLength(1); // typo
    const [hit] = await inTopic('alert');
    expect(hit.snippet).toContain('&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;');
    expect(hit.snippet).not.toContain('<script>');
  });

  it('indexes action items with their assignee and status, filtered by kind, person, status and session', async () => {
    const item = await post(`/api/sessions/${SESSION}/action-items`, { topicId: OTHER_TOPIC, text: 'Post the wombat patchset', createdBy: 'Ada' });
    expect(item.status).toBe(201);
    const id = item.json.id;
    const patch = await fetch(`${s.url}/api/sessions/${SESSION}/action-items/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ assignee: { name: 'Christian' }, status: 'in-progress' }),
    });
    expect(patch.status).toBe(200);
    const hit = await waitFor(async () => (await search('wombat', '&kind=action&status=in-progress')).json.results[0], 'the assigned item');
    expect(hit).toMatchObject({ kind: 'action', itemId: id, topicId: OTHER_TOPIC, status: 'in-progress' });
    expect((await search('wombat', '&person=christ')).json.results).toHaveLength(1);
    expect((await search('wombat', '&person=nobody')).json.results).toHaveLength(0);
    expect((await search('wombat', '&kind=notes')).json.results).toHaveLength(0);
    expect((await search('wombat', '&status=done')).json.results).toHaveLength(0);
    expect((await search('wombat', `&session=${SESSION}&event=lpc2019`)).json.results).toHaveLength(1);
    expect((await search('wombat', '&event=other')).json.results).toHaveLength(0);
  });

  it('finds sessions by title and lead, and pages with nextCursor', async () => {
    const imported = await post('/api/events/lpc2020/sessions', { id: 'containers-2020', title: 'Containers MC 2020', leads: [{ name: 'Test Lead Quollington' }], topics: [{ title: 'shiftfs again' }] });
    expect(imported.status).toBe(201);
    const session = await waitFor(async () => (await search('quollington', '&kind=session')).json.results[0], 'the new session');
    expect(session).toMatchObject({ sessionId: 'containers-2020', kind: 'session', eventId: 'lpc2020' });
    const all = (await search('shiftfs')).json.results;
    expect(all.map((r: any) => r.sessionId)).toEqual(expect.arrayContaining([SESSION, 'containers-2020']));
    const first = await search('shiftfs', '&limit=1');
    expect(first.json.results).toEqual([all[0]]);
    const second = await search('shiftfs', `&limit=1&cursor=${first.json.nextCursor}`);
    expect(second.json.results).toEqual([all[1]]);
  });
});

describe('read rules', () => {
  it('answers each role with the sessions it may read', async () => {
    const other = await post('/api/events/lpc2020/sessions', { id: 'other-mc', title: 'Other MC', topics: [{ title: 'Numbat topic' }] });
    const otherLead = other.json.sessions[0].leadToken as string;
    const link = async (role: string) => (await post(`/api/sessions/${SESSION}/tokens`, { role })).json.token as string;
    await type(SESSION, OTHER_TOPIC, 'numbat');
    await waitFor(async () => (await search('numbat', '', TEST_ADMIN_TOKEN)).json.results.length === 2, 'both sessions indexed');
    const sessionsFor = async (token?: string) => [...new Set((await search('numbat', '', token)).json.results.map((r: any) => r.sessionId))].sort();
    expect(await sessionsFor(TEST_ADMIN_TOKEN)).toEqual(['containers-cr', 'other-mc']);
    // No token: what anonymous readers may read (every session of open events).
    expect(await sessionsFor(undefined)).toEqual(['containers-cr', 'other-mc']);
    // A link grants its own session only.
    for (const role of ['lead', 'participant', 'viewer']) expect(await sessionsFor(await link(role))).toEqual(['containers-cr']);
    expect(await sessionsFor(otherLead)).toEqual(['other-mc']);
    // A revoked or unknown link is refused, not read as anonymous.
    const unknown = await search('numbat', '', 'not-a-real-token-0123456789');
    expect(unknown.status).toBe(403);
    expect(unknown.json.error.code).toBe('FORBIDDEN');
  });
});

describe('hostile queries', () => {
  it('refuses bad parameters with a code', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/search', 400, 'VALIDATION_FAILED'],
      ['/api/search?q=', 400, 'VALIDATION_FAILED'],
      [`/api/search?q=${'a'.repeat(201)}`, 400, 'VALIDATION_FAILED'],
      ['/api/search?q=x&limit=51', 400, 'VALIDATION_FAILED'],
      ['/api/search?q=x&limit=0', 400, 'VALIDATION_FAILED'],
      ['/api/search?q=x&cursor=-1', 400, 'VALIDATION_FAILED'],
      ['/api/search?q=x&cursor=..%2F..', 400, 'VALIDATION_FAILED'],
      ['/api/search?q=x&kind=secret', 400, 'VALIDATION_FAILED'],
      ['/api/search?q=x&event=..%2Fetc', 400, 'VALIDATION_FAILED'],
      ['/api/search?q=x&session=A%20B', 400, 'VALIDATION_FAILED'],
      [`/api/search?q=x&token=${TEST_ADMIN_TOKEN}`, 400, 'TOKEN_IN_URL'],
    ];
    for (const [url, status, code] of cases) {
      const r = await get(url);
      expect([url, r.status, r.json.error?.code]).toEqual([url, status, code]);
    }
    // Punctuation only, regex and HTML characters are just no match.
    for (const q of ['"""', '.*', '<b>', '((', '\u0000']) expect((await search(q)).json).toEqual({ results: [] });
  });
});

describe('archived sessions', () => {
  it('stay searchable, flagged archived, from the moment an admin archives one', async () => {
    expect((await api(s, 'PUT', `/api/sessions/${SESSION}/archived`, { archived: true })).status).toBe(200);
    await waitFor(async () => (await search('shiftfs', `&session=${SESSION}`)).json.results[0]?.archived === true, 'the archived flag on the hit');
    expect((await search('shiftfs', `&session=${SESSION}`)).json.results[0]).toMatchObject({ sessionId: SESSION, archived: true });
    expect((await api(s, 'PUT', `/api/sessions/${SESSION}/archived`, { archived: false })).status).toBe(200);
  });
});

describe('persistence', () => {
  it('writes the index at shutdown and answers from it after a restart', async () => {
    await type(SESSION, OTHER_TOPIC, 'platypusmount');
    await waitFor(async () => (await search('platypusmount')).json.results.length === 1, 'the word');
    destroyAllClients();
    await s.stop();
    expect(fs.existsSync(path.join(s.dataDir, SEARCH_INDEX_FILE))).toBe(true);
    s = await pool.start({ dataDir: s.dataDir });
    // Answered from the loaded index even before the verification finished.
    expect((await search('platypusmount')).json.results).toHaveLength(1);
  });
});
