/**
 * The Etherpad-compatible HTTP API and pad URLs (issue #16). The transcript of a real Etherpad
 * 2.5.3 server (tests/fixtures/etherpad/transcript.json) is replayed against mcpad, calls mapped to
 * a seeded session: envelope, code, message, HTTP status and the SHAPE of `data` must match (pad
 * content differs by design). Calls with no mcpad equivalent yet are listed in NOT_REPLAYED.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REV_BEFORE_CHECKPOINTS } from '../../server/etherpad/etherpad-api.ts';
import { READ_ONLY_LINK_LABEL } from '../../server/etherpad/read-only-ids.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { writeFixture } from '../helpers/export-fixture.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const KEY = 'etherpad-test-key-0123456789';
const SESSION = 'containers-cr';
const TOPIC_PAD = 'containers-cr.android-containers';

interface Entry {
  fn: string | null;
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, string>;
  status: number | null;
  body: unknown;
  note?: string;
  requestHeaders?: Record<string, string>;
}

/** Transcript calls with no mcpad equivalent (yet), and why. */
const NOT_REPLAYED: Record<string, string> = {
  getAttributePool: 'no attribute pool in mcpad',
  getRevisionChangeset: 'no changesets in mcpad',
  createDiffHTML: 'not offered (its recorded code 2 is an Etherpad bug)',
};

const pool = serverPool();
let s: TestServer;
let transcript: Entry[];
let authorId: string;
let client: TestClient;
/** The seeded session's read-only id (getReadOnlyID), standing in for the transcript's. */
let readOnlyId: string;

beforeAll(async () => {
  transcript = JSON.parse(await readFile(path.join(import.meta.dirname, '../fixtures/etherpad/transcript.json'), 'utf8')) as Entry[];
  s = await pool.start({ etherpadApiKey: KEY, etherpadDefaultEvent: 'etherpad-pads' });
  await writeFixture(s.app);
  // One named author types in the topic, so authorship and presence have something to show.
  client = connectClient(s.collabUrl, SESSION, { name: 'Ada Lovelace' });
  await client.synced();
  const notes = client.notes('android-containers');
  notes.insert(notes.length, 'typed by Ada\n');
  authorId = `a.${client.doc.clientID}`;
  await waitFor(async () => (await call('GET', 'listAuthorsOfPad', { apikey: KEY, padID: SESSION })).body.data?.authorIDs?.includes(authorId), 'the author to be recorded');
  client.destroy();
  await waitFor(async () => (await call('GET', 'padUsersCount', { apikey: KEY, padID: SESSION })).body.data.padUsersCount === 0, 'presence to clear');
  readOnlyId = (await call('GET', 'getReadOnlyID', { apikey: KEY, padID: SESSION })).body.data.readOnlyID;
});
afterAll(async () => {
  destroyAllClients();
  await pool.closeAll();
});

async function call(method: string, fn: string, params: Record<string, string>, options: { version?: string; headers?: Record<string, string>; query?: Record<string, string> } = {}): Promise<{ status: number; body: any; contentType: string | null }> {
  const url = new URL(`${s.url}/api/${options.version ?? '1.3.0'}/${fn}`);
  const form = new URLSearchParams(params);
  if (method === 'GET') for (const [k, v] of form) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const response = await fetch(url, {
    method,
    headers: { ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...options.headers },
    ...(method === 'POST' ? { body: form.toString() } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: response.status, body, contentType: response.headers.get('content-type') };
}

/** Maps an Etherpad call's parameters to the seeded mcpad session. */
function mapParams(params: Record<string, string>, fn: string | null = null): Record<string, string> {
  const pads: Record<string, string> = { 'lpc2019-containers-cr': SESSION, 'html-lists': TOPIC_PAD, 'empty-pad': TOPIC_PAD };
  // createPad makes the session `transcript-scratch` with one topic `notes`: text calls go to that topic.
  if (fn === 'getText' || fn === 'setText' || fn === 'appendText') pads['transcript-scratch'] = 'transcript-scratch.notes';
  const mapped: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (name === 'apikey') mapped[name] = value === 'APIKEY' ? KEY : value;
    else if (name === 'padID') mapped[name] = pads[value] ?? value;
    else if (name === 'authorID' || name === 'authorId') mapped[name] = value === 'a.doesnotexist0000' ? 'a.1' : authorId;
    else if (name === 'roID') mapped[name] = value.startsWith('r.0000') ? value : readOnlyId;
    else mapped[name] = value;
  }
  return mapped;
}

/** The shape of a value: keys and types, not content. `colorId` is a palette number or a
 *  "#rrggbb" string in Etherpad, and a string in mcpad; a null matches a string (an anonymous name). */
function sameShape(expected: unknown, actual: unknown, where = 'data'): void {
  if (expected === null || actual === null) {
    expect(actual === null || typeof actual === 'string' || expected === null, `${where}: null vs ${JSON.stringify(actual)}`).toBe(true);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where} is an array`).toBe(true);
    if (expected.length > 0 && (actual as unknown[]).length > 0) sameShape(expected[0], (actual as unknown[])[0], `${where}[0]`);
    return;
  }
  if (typeof expected === 'object') {
    expect(typeof actual, where).toBe('object');
    expect(Object.keys(actual as object).sort(), `${where} keys`).toEqual(Object.keys(expected as object).sort());
    for (const key of Object.keys(expected as object)) {
      if (key === 'colorId') continue;
      sameShape((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${where}.${key}`);
    }
    return;
  }
  expect(typeof actual, where).toBe(typeof expected);
}

describe('Etherpad API: the recorded transcript replayed against mcpad', () => {
  it('answers every replayable call with the same envelope, code, message, status and data shape', async () => {
    let replayed = 0;
    let present = false;
    for (const entry of transcript) {
      if (entry.fn !== null && NOT_REPLAYED[entry.fn]) continue;
      if (entry.status === null) continue; // Etherpad never answers a JSON POST
      const label = `${entry.method} ${entry.path} ${JSON.stringify(entry.params)} (${entry.note ?? ''})`;
      const params = mapParams(entry.params, entry.fn);
      const rev = params['rev'];
      if (entry.note?.includes('one anonymous socket.io client') && !present) {
        present = true;
        client = connectClient(s.collabUrl, SESSION, { name: 'Linus' });
        await client.synced();
        await waitFor(async () => (await call('GET', 'padUsersCount', mapParams({ apikey: 'APIKEY', padID: 'lpc2019-containers-cr' }))).body.data.padUsersCount === 1, 'presence');
      }
      if (entry.fn === null) {
        const response = await fetch(`${s.url}/api`);
        expect(response.status, label).toBe(200);
        expect(await response.json(), label).toEqual(entry.body);
        replayed++;
        continue;
      }
      const [, , version] = entry.path.split('/');
      const headers = entry.requestHeaders?.['Authorization'] ? { authorization: KEY } : undefined;
      const got = await call(entry.method, entry.fn, params, { version: version!, ...(headers ? { headers } : {}) });
      replayed++;
      if (version === '9.9.9') {
        expect(got.status, label).toBe(404);
        continue;
      }
      const recorded = entry.body as { code: number; message: string; data: unknown };
      expect(got.contentType, label).toBe('application/json; charset=utf-8');
      expect(Object.keys(got.body).sort(), label).toEqual(['code', 'data', 'message']);
      // mcpad serves a past revision from the nearest checkpoint at or before it (docs/etherpad.md);
      // the transcript's small revs are below any checkpoint of the seeded session (its template
      // and fixture text alone are thousands of operations), so they are code 1.
      if (recorded.code === 0 && rev !== undefined) {
        expect(Number(rev), label).toBeLessThan(100);
        expect(got.body, label).toEqual({ code: 1, message: REV_BEFORE_CHECKPOINTS, data: null });
        continue;
      }
      // mcpad never deletes a session through the API (docs/etherpad.md).
      if (entry.fn === 'deletePad') {
        expect(got.body, label).toEqual({ code: 1, message: expect.stringMatching(/^deletePad is not supported/), data: null });
        continue;
      }
      expect(got.status, label).toBe(entry.status);
      expect(got.body.code, label).toBe(recorded.code);
      expect(got.body.message, label).toBe(recorded.message);
      sameShape(recorded.data, got.body.data, label);
      // The scratch pad's text is ours to write, so it must equal Etherpad's to the byte.
      if (entry.fn === 'getText' && entry.params['padID'] === 'transcript-scratch') expect(got.body.data, label).toEqual(recorded.data);
    }
    client.destroy();
    expect(replayed).toBeGreaterThanOrEqual(40);
  });

  it('maps pads: a session pad is the txt export, a topic pad is that topic\'s notes', async () => {
    const sessionText = await call('GET', 'getText', { apikey: KEY, padID: SESSION });
    const exported = await (await fetch(`${s.url}/api/sessions/${SESSION}/export?format=txt`)).text();
    expect(sessionText.body.data.text).toBe(exported);
    const topic = await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD });
    expect(topic.body.data.text).toContain('Anbox and binderfs status update.');
    expect(topic.body.data.text).toContain('typed by Ada\n');
    const html = await call('GET', 'getHTML', { apikey: KEY, padID: TOPIC_PAD });
    expect(html.body.data.html).toMatch(/^<!DOCTYPE HTML><html><body>Anbox and binderfs status update\.<br>/);
    expect((await call('GET', 'getText', { apikey: KEY, padID: `${SESSION}.no-such-topic` })).body).toEqual({ code: 1, message: 'padID does not exist', data: null });
    const all = await call('GET', 'listAllPads', { apikey: KEY });
    expect(all.body.data.padIDs).toContain(SESSION);
    expect((await call('GET', 'getAuthorName', { apikey: KEY, authorID: authorId })).body.data).toBe('Ada Lovelace');
    const topicReadOnly = (await call('GET', 'getReadOnlyID', { apikey: KEY, padID: TOPIC_PAD })).body.data.readOnlyID;
    expect((await call('GET', 'getPadID', { apikey: KEY, roID: topicReadOnly })).body.data).toEqual({ padID: TOPIC_PAD });
  });

  it('counts revisions monotonically, and serves rev = head', async () => {
    const before = (await call('GET', 'getRevisionsCount', { apikey: KEY, padID: SESSION })).body.data.revisions as number;
    const typist = connectClient(s.collabUrl, SESSION, { name: 'Grace' });
    await typist.synced();
    const notes = typist.notes('android-containers');
    notes.insert(0, 'x');
    notes.delete(0, 1);
    await waitFor(async () => (await call('GET', 'getRevisionsCount', { apikey: KEY, padID: SESSION })).body.data.revisions >= before + 2, 'the count to rise');
    typist.destroy();
    const head = (await call('GET', 'getRevisionsCount', { apikey: KEY, padID: TOPIC_PAD })).body.data.revisions as number;
    const atHead = await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD, rev: String(head) });
    expect(atHead.body.code).toBe(0);
    expect(atHead.body.data.text).toBe((await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD })).body.data.text);
    const edited = (await call('GET', 'getLastEdited', { apikey: KEY, padID: SESSION })).body.data.lastEdited;
    expect(Number.isInteger(edited) && edited > 0).toBe(true);
  });
});

describe('Etherpad API: past revisions from checkpoints', () => {
  it('serves a past rev from the nearest checkpoint at or before it, and code 1 before the oldest', async () => {
    const revisions = async (): Promise<number> => (await call('GET', 'getRevisionsCount', { apikey: KEY, padID: SESSION })).body.data.revisions;
    const taken = await fetch(`${s.url}/api/sessions/${SESSION}/checkpoints`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect([200, 201]).toContain(taken.status);
    const atCheckpoint = await revisions();
    const topicThen = (await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD })).body.data.text as string;
    const typist = connectClient(s.collabUrl, SESSION, { name: 'Grace' });
    await typist.synced();
    const notes = typist.notes('android-containers');
    notes.insert(notes.length, 'written after the checkpoint\n');
    await waitFor(async () => (await revisions()) > atCheckpoint, 'the edit to count');
    typist.destroy();
    const head = await revisions();
    expect((await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD })).body.data.text).toContain('written after the checkpoint');
    for (const rev of [atCheckpoint, head - 1]) {
      const past = await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD, rev: String(rev) });
      expect(past.body, `rev ${rev}`).toEqual({ code: 0, message: 'ok', data: { text: topicThen } });
    }
    const sessionPast = await call('POST', 'getText', { apikey: KEY, padID: SESSION, rev: String(atCheckpoint) });
    expect(sessionPast.body.code).toBe(0);
    expect(sessionPast.body.data.text).toContain('Anbox and binderfs status update.');
    expect(sessionPast.body.data.text).not.toContain('written after the checkpoint');
    expect((await call('GET', 'getText', { apikey: KEY, padID: SESSION, rev: String(head) })).body.data.text).toContain('written after the checkpoint');
    const htmlPast = await call('GET', 'getHTML', { apikey: KEY, padID: SESSION, rev: `${atCheckpoint}.5` });
    expect(htmlPast.body.code).toBe(0);
    expect(htmlPast.body.data.html).toContain('Anbox and binderfs status update.');
    expect(htmlPast.body.data.html).not.toContain('written after the checkpoint');
    const topicHtml = await call('GET', 'getHTML', { apikey: KEY, padID: TOPIC_PAD, rev: String(atCheckpoint) });
    expect(topicHtml.body.data.html).not.toContain('written after the checkpoint');
    expect((await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD, rev: '1' })).body).toEqual({ code: 1, message: REV_BEFORE_CHECKPOINTS, data: null });
    expect((await call('GET', 'getText', { apikey: KEY, padID: TOPIC_PAD, rev: String(head + 1) })).body.message).toBe('rev is higher than the head revision of the pad');
  });
});

describe('Etherpad API: requests, versions and keys', () => {
  it('answers versions 1, 1.2.x and 1.3.0, and 404 for any other', async () => {
    for (const version of ['1', '1.2', '1.2.1', '1.2.15', '1.3.0']) {
      expect((await call('GET', 'checkToken', { apikey: KEY }, { version })).body, version).toEqual({ code: 0, message: 'ok', data: null });
    }
    for (const version of ['9.9.9', '1.4.0', '2']) expect((await call('GET', 'checkToken', { apikey: KEY }, { version })).status, version).toBe(404);
  });

  it('takes the key as apikey, api_key or a raw Authorization header; POST fields win over the query', async () => {
    expect((await call('GET', 'checkToken', { api_key: KEY })).body.code).toBe(0);
    expect((await call('POST', 'checkToken', {}, { headers: { authorization: KEY } })).body.code).toBe(0);
    expect((await call('POST', 'checkToken', { apikey: KEY }, { query: { apikey: 'wrong' } })).body.code).toBe(0);
    const wrongInBody = await call('POST', 'checkToken', { apikey: 'wrong' }, { query: { apikey: KEY } });
    expect(wrongInBody.status).toBe(401);
    expect(wrongInBody.body).toEqual({ code: 4, message: 'no or wrong API Key', data: null });
    const padInBody = await call('POST', 'getText', { apikey: KEY, padID: TOPIC_PAD }, { query: { padID: 'nope' } });
    expect(padInBody.body.code).toBe(0);
  });

  it('keeps the key out of the logs', async () => {
    const lines: string[] = [];
    const logged = await pool.start({ etherpadApiKey: KEY, logLevel: 'trace' }, { logStream: { write: (line) => void lines.push(line) } });
    expect((await fetch(`${logged.url}/api/1.3.0/checkToken?apikey=${KEY}`)).status).toBe(200);
    expect((await fetch(`${logged.url}/api/1.3.0/checkToken?api_key=${KEY}`)).status).toBe(200);
    await waitFor(() => lines.some((line) => line.includes('/api/1.3.0/checkToken')), 'the request to be logged');
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('answers code 4 to everyone when ETHERPAD_API_KEY is unset', async () => {
    const off = await pool.start();
    for (const key of [KEY, '', 'anything']) {
      const response = await fetch(`${off.url}/api/1.3.0/checkToken?apikey=${encodeURIComponent(key)}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: 4, message: 'no or wrong API Key', data: null });
    }
    const unknown = await fetch(`${off.url}/api/1.3.0/doesNotExist`);
    expect(unknown.status).toBe(404);
  });
});

describe('Etherpad API: writes', () => {
  it('appends to a topic pad, or to the last topic of a session pad, attributed to the named author', async () => {
    const lastTopic = s.app.meta.getSession(SESSION).topics.at(-1)!.id;
    const before = (await call('GET', 'getText', { apikey: KEY, padID: `${SESSION}.${lastTopic}` })).body.data.text as string;
    expect((await call('POST', 'appendText', { apikey: KEY, padID: SESSION, text: 'ACTION: bot line', authorId })).body).toEqual({ code: 0, message: 'ok', data: null });
    const after = (await call('GET', 'getText', { apikey: KEY, padID: `${SESSION}.${lastTopic}` })).body.data.text as string;
    expect(after).toContain('ACTION: bot line');
    expect(after.length).toBe(before.length + 'ACTION: bot line'.length);
    const authors = (await call('GET', 'listAuthorsOfPad', { apikey: KEY, padID: `${SESSION}.${lastTopic}` })).body.data.authorIDs as string[];
    const names = await Promise.all(authors.map(async (id) => (await call('GET', 'getAuthorName', { apikey: KEY, authorID: id })).body.data));
    expect(names).toContain('Ada Lovelace');
    const contributors = await (await fetch(`${s.url}/api/sessions/${SESSION}/export?format=txt`)).text();
    expect(contributors).toContain('ACTION: bot line');
  });

  it('cleans text as Etherpad does: tabs become 8 spaces, CR LF becomes LF', async () => {
    const pad = `${SESSION}.${s.app.meta.getSession(SESSION).topics.find((t) => t.id !== 'android-containers')!.id}`;
    expect((await call('POST', 'setText', { apikey: KEY, padID: pad, text: 'a\tb\r\nc' })).body.code).toBe(0);
    expect((await call('GET', 'getText', { apikey: KEY, padID: pad })).body.data.text).toBe('a        b\nc\n');
  });

  it('refuses setText on a session pad, deletePad, and createPad without a default event', async () => {
    const set = await call('POST', 'setText', { apikey: KEY, padID: SESSION, text: 'x' });
    expect(set.body.code).toBe(1);
    expect(set.body.message).toMatch(/^setText needs a topic pad/);
    expect((await call('GET', 'deletePad', { apikey: KEY, padID: SESSION })).body.code).toBe(1);
    const off = await pool.start({ etherpadApiKey: KEY });
    const response = await fetch(`${off.url}/api/1.3.0/createPad?apikey=${KEY}&padID=new-pad`);
    expect(await response.json()).toEqual({ code: 1, message: expect.stringMatching(/ETHERPAD_DEFAULT_EVENT/), data: null });
  });

  it('refuses a write over the document limits the way a WebSocket edit is refused', async () => {
    const small = await pool.start({ etherpadApiKey: KEY, maxMessageBytes: 4096 });
    await writeFixture(small.app);
    const response = await fetch(`${small.url}/api/1.3.0/appendText`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ apikey: KEY, padID: TOPIC_PAD, text: 'y'.repeat(8000) }).toString(),
    });
    const body = (await response.json()) as { code: number; message: string };
    expect(body.code).toBe(1);
    expect(body.message).toMatch(/^the change was not applied/);
    const text = await fetch(`${small.url}/api/1.3.0/getText?apikey=${KEY}&padID=${TOPIC_PAD}`);
    expect(((await text.json()) as { data: { text: string } }).data.text).not.toContain('yyyy');
    // Past MAX_DOC_BYTES the doc service itself refuses the update, as it refuses a socket's.
    const full = await pool.start({ etherpadApiKey: KEY, maxDocBytes: 40_000, maxMessageBytes: 39_000 });
    await writeFixture(full.app);
    const big = await fetch(`${full.url}/api/1.3.0/appendText`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ apikey: KEY, padID: TOPIC_PAD, text: 'z'.repeat(38_000) }).toString(),
    });
    const refused = (await big.json()) as { code: number; message: string };
    expect(refused.code).toBe(1);
    expect(refused.message).toMatch(/^the change was not applied/);
    const after = await fetch(`${full.url}/api/1.3.0/getText?apikey=${KEY}&padID=${TOPIC_PAD}`);
    expect(((await after.json()) as { data: { text: string } }).data.text).not.toContain('zzzz');
  });
});

describe('etherpad-lite-client (npm, pinned) used unchanged against mcpad', () => {
  it('runs getText, appendText, listAllPads and createPad', async () => {
    const require = createRequire(import.meta.url);
    type Callback = (error: unknown, data: any) => void;
    const etherpad = require('etherpad-lite-client') as { connect(options: Record<string, unknown>): Record<string, (...args: any[]) => void> };
    const api = etherpad.connect({ apikey: KEY, host: '127.0.0.1', port: s.port });
    // 0.9.0 predates appendText in its list of named functions: its generic `call` reaches it.
    const run = (fn: string, args: Record<string, string>) =>
      new Promise<any>((resolve, reject) => {
        const done: Callback = (error, data) => (error ? reject(new Error(JSON.stringify(error))) : resolve(data));
        if (api[fn]) api[fn](args, done);
        else api['call']!(fn, args, done);
      });
    expect((await run('listAllPads', {})).padIDs).toContain(SESSION);
    await run('createPad', { padID: 'client-pad', text: 'made by the client' });
    expect((await run('listAllPads', {})).padIDs).toContain('client-pad');
    await run('appendText', { padID: 'client-pad.notes', text: ' and appended' });
    expect((await run('getText', { padID: 'client-pad.notes' })).text).toBe('made by the client and appended\n');
    await expect(run('getText', { padID: 'no-such-pad' })).rejects.toThrow('padID does not exist');
  });
});

describe('Etherpad API: legacy pad names (the alias table)', () => {
  it('maps an admin-set legacy name to a session or topic pad, in the API, the pad URLs and after a restart', async () => {
    const own = await pool.start({ etherpadApiKey: KEY });
    await writeFixture(own.app);
    const put = (alias: string, body: unknown, token?: string) =>
      fetch(`${own.url}/api/etherpad/aliases/${alias}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await put('lpc2019-containers-cr', { padId: SESSION })).status).toBe(401);
    expect((await put('lpc2019-containers-cr', { padId: SESSION }, TEST_ADMIN_TOKEN)).status).toBe(200);
    expect((await put('Android-2019', { padId: TOPIC_PAD }, TEST_ADMIN_TOKEN)).status).toBe(200);
    expect((await put('nowhere', { padId: 'no-such-session' }, TEST_ADMIN_TOKEN)).status).toBe(404);
    expect((await put(SESSION, { padId: TOPIC_PAD }, TEST_ADMIN_TOKEN)).status).toBe(400);
    const get = async (fn: string, params: Record<string, string>) => (await fetch(`${own.url}/api/1.3.0/${fn}?${new URLSearchParams({ apikey: KEY, ...params })}`)).json() as Promise<any>;
    expect((await get('getText', { padID: 'lpc2019-containers-cr' })).data).toEqual((await get('getText', { padID: SESSION })).data);
    expect((await get('getText', { padID: 'Android-2019' })).data).toEqual((await get('getText', { padID: TOPIC_PAD })).data);
    expect((await get('listAllPads', {})).data.padIDs).toEqual(expect.arrayContaining(['lpc2019-containers-cr', 'Android-2019', SESSION]));
    expect((await get('createPad', { padID: 'lpc2019-containers-cr' })).message).toBe('padID does already exist');
    const viaAlias = await (await fetch(`${own.url}/p/lpc2019-containers-cr/export/txt`)).text();
    expect(viaAlias).toBe(await (await fetch(`${own.url}/api/sessions/${SESSION}/export?format=txt`)).text());
    expect((await fetch(`${own.url}/p/Android-2019`, { redirect: 'manual' })).headers.get('location')).toBe(`/s/${SESSION}#android-containers`);

    await own.stop();
    const again = await pool.start({ etherpadApiKey: KEY, dataDir: own.dataDir });
    const listed = await fetch(`${again.url}/api/etherpad/aliases`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(await listed.json()).toEqual({ aliases: { 'lpc2019-containers-cr': SESSION, 'Android-2019': TOPIC_PAD } });
    const removed = await fetch(`${again.url}/api/etherpad/aliases/Android-2019`, { method: 'DELETE', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(await removed.json()).toEqual({ aliases: { 'lpc2019-containers-cr': SESSION } });
    const gone = await fetch(`${again.url}/api/1.3.0/getText?apikey=${KEY}&padID=Android-2019`);
    expect(await gone.json()).toEqual({ code: 1, message: 'padID does not exist', data: null });
  });
});

describe('Etherpad read-only ids: a dedicated viewer link', () => {
  it('getReadOnlyID names a viewer link: /p/<id> reads without a token, getPadID maps back, revoking the link ends both, ids survive a restart', async () => {
    const own = await pool.start({ etherpadApiKey: KEY });
    await writeFixture(own.app);
    const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const get = async (fn: string, params: Record<string, string>) => (await fetch(`${own.url}/api/1.3.0/${fn}?${new URLSearchParams({ apikey: KEY, ...params })}`)).json() as Promise<any>;
    const links = async () => ((await (await fetch(`${own.url}/api/sessions/${SESSION}/tokens`, { headers: admin })).json()).tokens as Array<{ id: string; role: string; label: string; revokedAt?: string }>)
      .filter((t) => t.label === READ_ONLY_LINK_LABEL);

    const sessionId = (await get('getReadOnlyID', { padID: SESSION })).data.readOnlyID as string;
    const topicId = (await get('getReadOnlyID', { padID: TOPIC_PAD })).data.readOnlyID as string;
    expect(sessionId).toMatch(/^r\.[0-9a-f]{32}$/);
    expect(topicId).toMatch(/^r\.[0-9a-f]{32}$/);
    expect(topicId).not.toBe(sessionId);
    expect((await get('getReadOnlyID', { padID: SESSION })).data.readOnlyID).toBe(sessionId);
    // One viewer link stands behind every read-only id of the session.
    expect((await links()).map((l) => [l.role, l.revokedAt])).toEqual([['viewer', undefined]]);
    expect((await get('getPadID', { roID: sessionId })).data).toEqual({ padID: SESSION });
    expect((await get('getPadID', { roID: topicId })).data).toEqual({ padID: TOPIC_PAD });

    // Read access like the viewer link, with no token; a token that is no good does not matter.
    const viaReadOnly = await fetch(`${own.url}/p/${sessionId}/export/txt`);
    expect(viaReadOnly.status).toBe(200);
    expect(await viaReadOnly.text()).toBe(await (await fetch(`${own.url}/api/sessions/${SESSION}/export?format=txt`, { headers: admin })).text());
    expect(await (await fetch(`${own.url}/p/${topicId}/export/txt`)).text()).toBe((await get('getText', { padID: TOPIC_PAD })).data.text);
    const html = await fetch(`${own.url}/p/${topicId}`, { redirect: 'manual' });
    expect(html.status).toBe(302);
    expect(html.headers.get('location')).toBe(`/p/${topicId}/export/html`);
    expect((await fetch(`${own.url}/p/r.00000000000000000000000000000000/export/txt`)).status).toBe(404);

    // Closed event: the read-only id still reads, as the viewer link would.
    const eventId = own.app.meta.getSession(SESSION).eventId;
    await own.app.meta.setParticipantAccess(eventId, 'link');
    expect((await fetch(`${own.url}/p/${sessionId}/export/html`)).status).toBe(200);

    await own.stop();
    const again = await pool.start({ etherpadApiKey: KEY, dataDir: own.dataDir });
    const getAgain = async (fn: string, params: Record<string, string>) => (await fetch(`${again.url}/api/1.3.0/${fn}?${new URLSearchParams({ apikey: KEY, ...params })}`)).json() as Promise<any>;
    expect((await getAgain('getPadID', { roID: topicId })).data).toEqual({ padID: TOPIC_PAD });
    expect((await fetch(`${again.url}/p/${sessionId}/export/txt`)).status).toBe(200);

    const [link] = (await (await fetch(`${again.url}/api/sessions/${SESSION}/tokens`, { headers: admin })).json()).tokens.filter((t: { label: string }) => t.label === READ_ONLY_LINK_LABEL);
    const revoked = await fetch(`${again.url}/api/sessions/${SESSION}/tokens/${link.id}`, { method: 'DELETE', headers: admin });
    expect(revoked.ok).toBe(true);
    expect(await getAgain('getPadID', { roID: sessionId })).toEqual({ code: 1, message: 'padID does not exist', data: null });
    expect((await fetch(`${again.url}/p/${sessionId}/export/txt`)).status).toBe(404);
    expect((await fetch(`${again.url}/p/${topicId}`, { redirect: 'manual' })).status).toBe(404);
    const fresh = (await getAgain('getReadOnlyID', { padID: SESSION })).data.readOnlyID;
    expect(fresh).toMatch(/^r\.[0-9a-f]{32}$/);
    expect(fresh).not.toBe(sessionId);
    expect((await getAgain('getPadID', { roID: fresh })).data).toEqual({ padID: SESSION });
  });
});

describe('Etherpad pad URLs', () => {
  it('/p/<session>/export/txt equals the session txt export; html likewise', async () => {
    for (const format of ['txt', 'html'] as const) {
      const viaPad = await fetch(`${s.url}/p/${SESSION}/export/${format}`);
      const viaApi = await fetch(`${s.url}/api/sessions/${SESSION}/export?format=${format}`);
      expect(viaPad.status).toBe(200);
      expect(viaPad.headers.get('content-type')).toBe(viaApi.headers.get('content-type'));
      expect(await viaPad.text()).toBe(await viaApi.text());
    }
  });

  it('serves a topic pad and an .etherpad file holding the pad text', async () => {
    const txt = await fetch(`${s.url}/p/${TOPIC_PAD}/export/txt`);
    expect(txt.status).toBe(200);
    const text = await txt.text();
    expect(text).toContain('typed by Ada');
    const file = await fetch(`${s.url}/p/${TOPIC_PAD}/export/etherpad`);
    expect(file.status).toBe(200);
    const json = (await file.json()) as Record<string, any>;
    expect(json[`pad:${TOPIC_PAD}`].atext.text).toBe(text);
    expect(json[`pad:${TOPIC_PAD}:revs:0`].changeset).toMatch(/^Z:1>/);
  });

  it('refuses a token that is not valid for the session, and unknown pads', async () => {
    const refused = await fetch(`${s.url}/p/${SESSION}/export/txt`, { headers: { authorization: 'Bearer not-a-valid-token-000000' } });
    expect(refused.status).toBe(403);
    expect((await fetch(`${s.url}/p/no-such-session/export/txt`)).status).toBe(404);
    expect((await fetch(`${s.url}/p/bad.pad.id/export/txt`)).status).toBe(404);
  });

  it('counts pad exports and API GETs as expensive reads, and reads a closed event as mcpad exports do', async () => {
    const limited = await pool.start({ etherpadApiKey: KEY, maxExpensiveReadsPerMinute: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/p/${SESSION}/export/txt`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const api: number[] = [];
    for (let i = 0; i < 3; i++) api.push((await fetch(`${limited.url}/api/1.3.0/checkToken?apikey=${KEY}`)).status);
    expect(api).toEqual([200, 200, 429]);

    const eventId = s.app.meta.getSession(SESSION).eventId;
    await s.app.meta.setParticipantAccess(eventId, 'link');
    try {
      const viaPad = await fetch(`${s.url}/p/${SESSION}/export/txt`);
      const viaApi = await fetch(`${s.url}/api/sessions/${SESSION}/export?format=txt`);
      expect(viaPad.status).toBe(viaApi.status);
      expect(await viaPad.text()).toBe(await viaApi.text());
    } finally {
      await s.app.meta.setParticipantAccess(eventId, 'open');
    }
  });

  it('redirects /p/<pad> to the session page, with #topic for a topic pad', async () => {
    const session = await fetch(`${s.url}/p/${SESSION}`, { redirect: 'manual' });
    expect(session.status).toBe(302);
    expect(session.headers.get('location')).toBe(`/s/${SESSION}`);
    const topic = await fetch(`${s.url}/p/${TOPIC_PAD}`, { redirect: 'manual' });
    expect(topic.headers.get('location')).toBe(`/s/${SESSION}#android-containers`);
    expect((await fetch(`${s.url}/p/nope`, { redirect: 'manual' })).status).toBe(404);
  });
});
