import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { readSections, topicSections } from '../../shared/doc-schema.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { serverPool, TEST_ADMIN_TOKEN } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const servers = serverPool();
const server = servers.start;

afterEach(async () => {
  destroyAllClients();
  await servers.closeAll();
});

function closeCodeOf(url: string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.on('error', reject);
  });
}

describe('real-time sync with the stock WebsocketProvider', () => {
  it('serves the seeded session with its template: one section per topic, in order', async () => {
    const s = await server();
    const client = connectClient(s.collabUrl, SESSION);
    await client.synced();
    const session = s.app.meta.getSession(SESSION);
    expect(readSections(client.doc).map((section) => section.id)).toEqual(session.topics.map((t) => t.id));
    expect(session.topics.length).toBeGreaterThanOrEqual(19);
  });

  it('relays edits of every frame-length class (7-bit, 16-bit and 64-bit lengths) intact', async () => {
    const s = await server();
    const a = connectClient(s.collabUrl, SESSION);
    const b = connectClient(s.collabUrl, SESSION);
    await Promise.all([a.synced(), b.synced()]);
    const topic = s.app.meta.getSession(SESSION).topics[0]!.id;
    // The broadcast writes pre-built WebSocket frames: their length header must be right.
    for (const size of [10, 200, 70_000, 300_000]) {
      const text = `[${size}:${'x'.repeat(size)}]`;
      a.notes(topic).insert(a.notes(topic).length, text);
      await waitFor(() => b.notes(topic).toString().endsWith(text), `an edit of ${size} characters to arrive`);
    }
    expect(b.notes(topic).toString()).toBe(a.notes(topic).toString());
  });

  it('two clients converge on concurrent edits, and a late joiner gets the full state', async () => {
    const s = await server();
    const a = connectClient(s.collabUrl, SESSION);
    const b = connectClient(s.collabUrl, SESSION);
    await Promise.all([a.synced(), b.synced()]);
    const topic = s.app.meta.getSession(SESSION).topics[0]!.id;
    a.notes(topic).insert(0, 'alpha ');
    b.notes(topic).insert(0, 'beta ');
    await waitFor(() => a.notes(topic).toString() === b.notes(topic).toString() && a.notes(topic).length === 11, 'convergence');
    expect(a.notes(topic).toString()).toContain('alpha');
    expect(a.notes(topic).toString()).toContain('beta');

    const late = connectClient(s.collabUrl, SESSION);
    await late.synced();
    await waitFor(() => late.notes(topic).toString() === a.notes(topic).toString(), 'late joiner state');
  });

  it('awareness of a client appears for others and disappears when it leaves', async () => {
    const s = await server();
    const watcher = connectClient(s.collabUrl, SESSION, { name: 'watcher' });
    await watcher.synced();
    const visitor = connectClient(s.collabUrl, SESSION, { name: 'Christian' });
    await visitor.synced();
    const visitorId = visitor.doc.clientID;
    await waitFor(() => (watcher.provider.awareness.getStates().get(visitorId) as { user?: { name: string } } | undefined)?.user?.name === 'Christian', 'presence to appear');
    visitor.destroy();
    await waitFor(() => !watcher.provider.awareness.getStates().has(visitorId), 'presence to disappear');
  });

  it('keeps all content across a restart', async () => {
    const s = await server();
    const a = connectClient(s.collabUrl, SESSION);
    await a.synced();
    const topic = s.app.meta.getSession(SESSION).topics[2]!.id;
    for (let i = 0; i < 50; i++) a.notes(topic).insert(a.notes(topic).length, `line ${i}\n`);
    const expected = a.notes(topic).toString();
    const probe = connectClient(s.collabUrl, SESSION);
    await waitFor(() => probe.provider.synced && probe.notes(topic).toString() === expected, 'server to have every edit');
    destroyAllClients();
    await s.stop();

    const again = await server({ dataDir: s.dataDir });
    const reader = connectClient(again.collabUrl, SESSION);
    await reader.synced();
    expect(reader.notes(topic).toString()).toBe(expected);
  });

  it('ten simultaneous first opens of a new session see every heading exactly once', async () => {
    const s = await server();
    const outline = '# Fresh MC\n- Alpha topic\n- Beta topic\n- Gamma topic\n';
    const created = await fetch(`${s.url}/api/events/lpc2019/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
      body: outline,
    });
    expect(created.status).toBe(201);
    const clients = Array.from({ length: 10 }, () => connectClient(s.collabUrl, 'fresh-mc'));
    await Promise.all(clients.map((c) => c.synced()));
    for (const c of clients) {
      await waitFor(() => topicSections(c.doc).length === 3, 'three sections');
      expect(readSections(c.doc).map((x) => x.title)).toEqual(['Alpha topic', 'Beta topic', 'Gamma topic']);
    }
    // And after everyone typed, still three sections everywhere.
    clients.forEach((c, i) => c.notes('alpha-topic').insert(0, `${i}`));
    await waitFor(() => clients.every((c) => c.notes('alpha-topic').length === 10), 'every edit everywhere');
    expect(clients.every((c) => topicSections(c.doc).length === 3)).toBe(true);
  });

  it('a topic added to a live session gets its section as an edit, notes untouched', async () => {
    const s = await server();
    const a = connectClient(s.collabUrl, SESSION);
    await a.synced();
    const first = s.app.meta.getSession(SESSION).topics[0]!.id;
    a.notes(first).insert(0, 'kept');
    const before = topicSections(a.doc).length;
    const response = await fetch(`${s.url}/api/events/lpc2019/sessions?sessionId=${SESSION}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
      body: '# Containers and Checkpoint/Restore MC\n- Late-breaking topic\n',
    });
    expect(response.status).toBe(200);
    await waitFor(() => topicSections(a.doc).length === before + 1, 'new section to arrive');
    expect(readSections(a.doc).at(-1)!.title).toBe('Late-breaking topic');
    expect(a.notes(first).toString()).toBe('kept');
  });

  it('closes an unknown session with 4404 and an invalid id with 4400', async () => {
    const s = await server();
    const unknown = await closeCodeOf(`${s.collabUrl}/no-such-session`);
    expect(unknown.code).toBe(CloseCode.SESSION_NOT_FOUND);
    expect(unknown.reason).toContain('no-such-session');
    const invalid = await closeCodeOf(`${s.collabUrl}/Bad..Id`);
    expect(invalid.code).toBe(CloseCode.BAD_MESSAGE);
  });

  it('a client arriving while the idle doc unloads gets the stored state', async () => {
    const s = await server({ docIdleUnloadMs: 0 });
    const topic = s.app.meta.getSession(SESSION).topics[1]!.id;
    for (let round = 0; round < 5; round++) {
      const writer = connectClient(s.collabUrl, SESSION);
      await writer.synced();
      writer.notes(topic).insert(writer.notes(topic).length, `r${round};`);
      const check = connectClient(s.collabUrl, SESSION);
      await waitFor(() => check.provider.synced && check.notes(topic).toString().endsWith(`r${round};`), 'edit relayed');
      writer.destroy();
      check.destroy();
      // Reconnect immediately: the doc is being unloaded right now.
      const reader = connectClient(s.collabUrl, SESSION);
      await reader.synced();
      expect(reader.notes(topic).toString()).toBe(Array.from({ length: round + 1 }, (_, i) => `r${i};`).join(''));
      reader.destroy();
    }
  });
});
