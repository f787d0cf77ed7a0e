/** Issue #13: crafted Yjs updates from an anonymous participant, sent with the stock provider,
 *  are refused before they have any effect; the sender learns why, nobody else sees anything. */
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { findSection, readSections, sectionActions, topicSections } from '../../shared/doc-schema.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { rawClient, type RawClient } from '../helpers/raw-client.ts';
import { addItem, api, sessionLink } from '../helpers/session-api.ts';
import { serverPool, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
const servers = serverPool();
const raws: RawClient[] = [];

afterEach(async () => {
  destroyAllClients();
  for (const r of raws.splice(0)) r.socket.terminate();
  await servers.closeAll();
});

/** The close events a stock provider received. */
function closes(client: TestClient): Array<{ code: number; reason: string }> {
  const seen: Array<{ code: number; reason: string }> = [];
  client.provider.on('connection-close', (event) => {
    if (event) seen.push({ code: event.code, reason: event.reason });
  });
  return seen;
}

async function exportJson(s: TestServer): Promise<{ status: number; titles: string[]; topicIds: string[] }> {
  const response = await fetch(`${s.url}/api/sessions/${SESSION}/export?format=json`);
  const body = (await response.json()) as { sessions?: Array<{ topics: Array<{ id: string; title: string }> }> };
  const topics = body.sessions?.[0]?.topics ?? [];
  return { status: response.status, titles: topics.map((t) => t.title), topicIds: topics.map((t) => t.id) };
}

describe('schema guard over the WebSocket', () => {
  it("refuses the issue's one-liner, tells the sender, and every reader keeps answering", async () => {
    const s = await servers.start();
    const before = await exportJson(s);
    const mallory = connectClient(s.collabUrl, SESSION, { name: 'Mallory' });
    const bob = connectClient(s.collabUrl, SESSION, { name: 'Bob' });
    const malloryCloses = closes(mallory);
    const bobCloses = closes(bob);
    await Promise.all([mallory.synced(), bob.synced()]);

    mallory.doc.getArray('topics').push(['x']);
    await waitFor(() => malloryCloses.length > 0, 'the sender to be closed');
    expect(malloryCloses[0]).toEqual({ code: CloseCode.BAD_MESSAGE, reason: 'schema: sections may not be added by clients' });

    // Bob, connected throughout, still edits, and his doc never had the 'x'.
    bob.notes(TOPIC).insert(0, 'after the attack');
    await waitFor(async () => (await s.app.docs.withDoc(SESSION, (live) => findSection(live.doc, TOPIC)?.get('notes')?.toString())) === 'after the attack', 'bob edit');
    expect(topicSections(bob.doc).toArray().every((section) => section instanceof Y.Map)).toBe(true);
    expect(bobCloses).toEqual([]);

    for (const path of [`/api/sessions/${SESSION}/export?format=md`, '/api/events/lpc2019/export?format=json', '/api/events/lpc2019/followups', `/api/sessions/${SESSION}/contributors`]) {
      expect((await fetch(`${s.url}${path}`)).status, path).toBe(200);
    }
    expect(await exportJson(s)).toEqual(before);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/mcpad_updates_refused_total\{rule="section-added"\} [1-9]/);

    // The stock provider (y-websocket 3) does not reconnect after a 44xx close. Made to reconnect, it
    // re-sends the refused change in its sync step 2 and is refused again.
    expect(mallory.provider.wsconnected).toBe(false);
    mallory.provider.disconnect();
    mallory.provider.connect();
    await waitFor(() => malloryCloses.length >= 2, 'the sender to be closed again after reconnecting');
    expect(malloryCloses[1]!.code).toBe(CloseCode.BAD_MESSAGE);
    expect(await exportJson(s)).toEqual(before);
  });

  it.each<[string, (doc: Y.Doc) => void, string]>([
    ['renaming a heading', (doc) => findSection(doc, TOPIC)!.set('title', 'pwned'), 'section fields'],
    ["replacing a section's notes with a string", (doc) => findSection(doc, TOPIC)!.set('notes', 'gone'), 'section fields'],
    ['deleting a whole section', (doc) => topicSections(doc).delete(0, 1), 'sections may not be removed'],
    ['bold text', (doc) => (findSection(doc, TOPIC)!.get('notes') as Y.Text).insert(0, 'x', { bold: true }), 'formatting'],
    ['a root of its own', (doc) => doc.getMap('bot').set('k', 'v'), 'unknown root type'],
  ])('refuses %s and leaves every topic as it was', async (_name, change, reasonPart) => {
    const s = await servers.start();
    const before = await exportJson(s);
    const mallory = connectClient(s.collabUrl, SESSION);
    const seen = closes(mallory);
    await mallory.synced();
    change(mallory.doc);
    await waitFor(() => seen.length > 0, 'the sender to be closed');
    expect(seen[0]!.code).toBe(CloseCode.BAD_MESSAGE);
    expect(seen[0]!.reason).toContain(reasonPart);
    mallory.destroy();
    expect(await exportJson(s)).toEqual(before);
    const fresh = connectClient(s.collabUrl, SESSION);
    await fresh.synced();
    expect(readSections(fresh.doc).map((section) => section.title)).toEqual(before.titles);
  });

  it("an action item's id cannot be changed to drop or steal the lead's assignment", async () => {
    const s = await servers.start();
    const itemId = await addItem(s, SESSION, TOPIC, 'send the patch');
    expect((await api(s, 'PATCH', `/api/sessions/${SESSION}/action-items/${itemId}`, { assignee: { name: 'Christian' }, by: 'Lead' })).status).toBe(200);
    const mallory = connectClient(s.collabUrl, SESSION);
    const seen = closes(mallory);
    await mallory.synced();
    const item = sectionActions(findSection(mallory.doc, TOPIC)!)!.get(0) as Y.Map<unknown>;
    item.set('id', 'stolen');
    await waitFor(() => seen.length > 0, 'the sender to be closed');
    expect(seen[0]!.reason).toMatch(/^schema: action item field "id" is set once/);
    const items = (await api<{ items: Array<{ id: string; assignee: { name: string } | null }> }>(s, 'GET', `/api/sessions/${SESSION}/action-items`)).json.items;
    expect(items.map((i) => [i.id, i.assignee?.name])).toEqual([[itemId, 'Christian']]);
  });

  it('what a participant may do still works: notes, new action items, text and done', async () => {
    const s = await servers.start();
    const alice = connectClient(s.collabUrl, SESSION, { name: 'Alice' });
    const seen = closes(alice);
    await alice.synced();
    const section = findSection(alice.doc, TOPIC)!;
    (section.get('notes') as Y.Text).insert(0, 'Decision: keep shiftfs out of tree');
    const item = new Y.Map<unknown>();
    alice.doc.transact(() => {
      for (const [key, value] of Object.entries({ id: 'a0b1c2', text: 'write it up', done: false, createdBy: 'Alice', createdAt: new Date().toISOString() })) item.set(key, value);
      sectionActions(section)!.push([item]);
    });
    item.set('done', true);
    await waitFor(async () => (await api<{ items: Array<{ done: boolean }> }>(s, 'GET', `/api/sessions/${SESSION}/action-items`)).json.items[0]?.done === true, 'the item done on the server');
    expect(seen).toEqual([]);
  });
});

describe('frames are classified after decoding (issue #13)', () => {
  const nonCanonical = {
    // varUint 0 written as 0x80 0x00: lib0 reads it as 0.
    syncStep1: new Uint8Array([0x80, 0x00, 0x80, 0x00, 0x01, 0x00]),
    queryAwareness: new Uint8Array([0x83, 0x00]),
  };

  it.each(Object.entries(nonCanonical))('the 6th full-state request encoded non-canonically (%s) closes with 4429 at a limit of 5', async (_kind, frame) => {
    const s = await servers.start({ maxSyncRequestsPerMinute: 5 });
    const client = rawClient(`${s.collabUrl}/${SESSION}`);
    raws.push(client);
    await client.opened;
    for (let i = 0; i < 6; i++) client.send(frame);
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.RATE_LIMITED);
  });

  it('a viewer cannot slip an edit past the read-only gate with a non-canonical header', async () => {
    const s = await servers.start();
    const link = await sessionLink(s, SESSION, 'viewer');
    const token = new URL(link, s.url).searchParams.get('token')!;
    const viewer = rawClient(`${s.collabUrl}/${SESSION}?token=${token}`);
    raws.push(viewer);
    await viewer.opened;
    const base = await s.app.docs.withDoc(SESSION, (live) => Y.encodeStateAsUpdate(live.doc));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, base);
    const sv = Y.encodeStateVector(doc);
    (findSection(doc, TOPIC)!.get('notes') as Y.Text).insert(0, 'viewer edit');
    const update = Y.encodeStateAsUpdate(doc, sv);
    const frame = new Uint8Array([0x80, 0x00, 0x82, 0x00, ...varUint(update.length), ...update]);
    const received = viewer.received.length;
    viewer.send(frame);
    // The permission-denied answer: [2 (auth), 0 (denied), reason].
    await waitFor(() => viewer.received.slice(received).some((m) => m[0] === 2 && m[1] === 0), 'permission denied');
    const notes = await s.app.docs.withDoc(SESSION, (live) => findSection(live.doc, TOPIC)!.get('notes')!.toString());
    expect(notes).toBe('');
  });
});

function varUint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n >>>= 7;
  }
  out.push(n);
  return out;
}
