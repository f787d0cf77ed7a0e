/**
 * Expensive GETs (issue #13): /diff is bounded in edits and time (413 DIFF_TOO_LARGE past it),
 * exports are cached per doc state (X-Cache), and expensive reads are rate limited per address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { api } from '../helpers/session-api.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
const pool = serverPool();
afterEach(async () => {
  destroyAllClients();
  await pool.closeAll();
});

async function liveNotes(s: TestServer): Promise<string> {
  return (await api(s, 'GET', `/api/sessions/${SESSION}/checkpoints/live`)).json.sections.find((x: { id: string }) => x.id === TOPIC).notes;
}

/** Replaces the topic's notes through a real client and waits until the server holds them. */
async function setNotes(s: TestServer, writer: TestClient, text: string): Promise<void> {
  writer.doc.transact(() => {
    const notes = writer.notes(TOPIC);
    notes.delete(0, notes.length);
    notes.insert(0, text);
  });
  await waitFor(async () => (await liveNotes(s)) === text, 'the notes on the server');
}

async function get(s: TestServer, path: string): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Words that share nothing in order: the worst case of a word diff. */
const crafted = (count: number, step: number, seed: number): string => Array.from({ length: count }, (_, i) => `w${(i * step + seed) % 997}`).join(' ');

describe('expensive reads', () => {
  it('a diff past its time bound answers 413 DIFF_TOO_LARGE quickly', async () => {
    const s = await pool.start({ diffTimeoutMs: 300 });
    const writer = connectClient(s.collabUrl, SESSION);
    await writer.synced();
    await setNotes(s, writer, crafted(3000, 7, 1));
    const from = (await api(s, 'POST', `/api/sessions/${SESSION}/checkpoints`)).json.id;
    await setNotes(s, writer, crafted(3000, 13, 5));
    const started = Date.now();
    const diff = await api(s, 'GET', `/api/sessions/${SESSION}/diff?from=${from}&to=live`);
    const elapsedMs = Date.now() - started;
    expect(diff.status).toBe(413);
    expect(diff.json.error.code).toBe('DIFF_TOO_LARGE');
    expect(elapsedMs).toBeLessThan(3000);
    console.log(`diff of 2 × 3000 crafted words refused after ${elapsedMs} ms`);
  });

  it('a diff past its edit bound answers 413; a small diff still works', async () => {
    const s = await pool.start({ maxDiffEditLength: 100 });
    const writer = connectClient(s.collabUrl, SESSION);
    await writer.synced();
    await setNotes(s, writer, crafted(400, 7, 1));
    const from = (await api(s, 'POST', `/api/sessions/${SESSION}/checkpoints`)).json.id;
    await setNotes(s, writer, crafted(400, 13, 5));
    const big = await api(s, 'GET', `/api/sessions/${SESSION}/diff?from=${from}&to=live`);
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('DIFF_TOO_LARGE');
    const to = (await api(s, 'POST', `/api/sessions/${SESSION}/checkpoints`)).json.id;
    await setNotes(s, writer, `${crafted(400, 13, 5)} and one more`);
    const small = await api(s, 'GET', `/api/sessions/${SESSION}/diff?from=${to}&to=live`);
    expect(small.status).toBe(200);
    expect(small.json.topics[0].added.join('')).toContain('and one more');
  });

  it('serves a repeated export of an unchanged session or event from the cache; an edit invalidates it', async () => {
    const s = await pool.start();
    const writer = connectClient(s.collabUrl, SESSION);
    await writer.synced();
    await setNotes(s, writer, 'binderfs works in containers');
    for (const path of [`/api/sessions/${SESSION}/export?format=md`, '/api/events/lpc2019/export?format=html']) {
      const first = await get(s, path);
      expect(first.status).toBe(200);
      expect(first.headers.get('x-cache')).toBe('miss');
      const second = await get(s, path);
      expect(second.headers.get('x-cache')).toBe('hit');
      expect(second.body).toBe(first.body);
    }
    await setNotes(s, writer, 'binderfs works in containers since 5.0');
    const afterEdit = await get(s, `/api/sessions/${SESSION}/export?format=md`);
    expect(afterEdit.headers.get('x-cache')).toBe('miss');
    expect(afterEdit.body).toContain('since 5.0');
    // Another format of the same state is another entry.
    expect((await get(s, `/api/sessions/${SESSION}/export?format=txt`)).headers.get('x-cache')).toBe('miss');
    // Metadata counts too: a new topic changes the key.
    const imported = await api(s, 'POST', '/api/events/lpc2019/sessions', { id: SESSION, title: 'Containers', topics: [{ id: 'cache-topic', title: 'Cache topic' }] });
    expect(imported.status).toBe(200);
    const afterImport = await get(s, `/api/sessions/${SESSION}/export?format=md`);
    expect(afterImport.headers.get('x-cache')).toBe('miss');
    expect(afterImport.body).toContain('Cache topic');
  });

  it('rate-limits expensive GETs per address (429 RATE_LIMITED); cheap reads are not limited', async () => {
    const s = await pool.start({ maxExpensiveReadsPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await api(s, 'GET', `/api/sessions/${SESSION}/contributors`)).status).toBe(200);
    const refused = await api(s, 'GET', `/api/sessions/${SESSION}/contributors`);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('RATE_LIMITED');
    for (let i = 0; i < 3; i++) expect((await get(s, `/api/sessions/${SESSION}/export?format=md`)).status).toBe(200);
    expect((await get(s, `/api/sessions/${SESSION}/export?format=md`)).status).toBe(429);
    for (let i = 0; i < 10; i++) expect((await api(s, 'GET', `/api/sessions/${SESSION}`)).status).toBe(200);
  });
});
