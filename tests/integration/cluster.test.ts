// Over ~350 lines: several instances against one redis-server, one scenario per test, sharing its setup.
/**
 * Cluster mode (issue #8) with a real redis-server: several real server instances share sessions;
 * clients are stock WebsocketProviders spread across them.
 */
import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findSection, readSections, sectionNotes } from '../../shared/doc-schema.ts';
import { encodeSyncFrame, SYNC_UPDATE } from '../../shared/wire.ts';
import { startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { makeTempDir, startServer, type TestServer } from '../helpers/server.ts';
import { api } from '../helpers/session-api.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { waitFor, within } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
let redis: TestRedis;
let servers: TestServer[] = [];
let prefixCount = 0;
let prefix = '';

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

let children: Array<{ server: ChildServer; dataDir: string }> = [];
let extraProviders: WebsocketProvider[] = [];

afterEach(async () => {
  for (const provider of extraProviders) provider.destroy();
  extraProviders = [];
  destroyAllClients();
  for (const s of servers) await s.close();
  servers = [];
  for (const { server, dataDir } of children) {
    server.child.kill('SIGKILL');
    await server.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
  children = [];
});

/** One cluster per test: instances share a fresh key prefix on the suite's Redis. */
function newCluster(): void {
  prefix = `test${++prefixCount}:`;
}

async function instance(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const started = await startServer({ redisUrl: redis.url, redisKeyPrefix: prefix, ...overrides });
  servers.push(started);
  return started;
}

async function childInstance(env: Record<string, string> = {}): Promise<ChildServer> {
  const dataDir = await makeTempDir();
  const server = await startChildServer(dataDir, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, ...env });
  children.push({ server, dataDir });
  return server;
}

function textOf(client: TestClient, topic: string): string {
  return client.notes(topic).toString();
}

/** Moves a client's doc to another instance, as a load balancer does after its instance died. */
function reconnectTo(client: TestClient, collabUrl: string): WebsocketProvider {
  client.provider.destroy();
  const provider = new WebsocketProvider(collabUrl, SESSION, client.doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  extraProviders.push(provider);
  return provider;
}

/** Types a unique token every `everyMs` into `topic` until stopped; returns the tokens typed. */
function typist(client: TestClient, topic: string, name: string, everyMs: number): { stop(): string[] } {
  const typed: string[] = [];
  const timer = setInterval(() => {
    const token = `<${name}-${typed.length}>`;
    const text = client.notes(topic);
    text.insert(text.length, token);
    typed.push(token);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return typed;
    },
  };
}

function occurrences(text: string, token: string): number {
  return text.split(token).length - 1;
}

describe('cluster mode', () => {
  it('the updates of one turn are stored as one entry even when together they pass MAX_MESSAGE_BYTES', async () => {
    newCluster();
    const maxMessageBytes = 16 * 1024;
    const a = await instance({ maxMessageBytes });
    const b = await instance({ maxMessageBytes });
    const reader = connectClient(b.collabUrl, SESSION);
    await reader.synced();
    const topic = a.app.meta.getSession(SESSION).topics[0]!.id;
    const writer = new WebSocket(`${a.collabUrl}/${SESSION}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => writer.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => writer.once('close', resolve));
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(reader.doc));
    const updates: Uint8Array[] = [];
    local.on('update', (update: Uint8Array) => updates.push(update));
    const notes = sectionNotes(findSection(local, topic)!)!;
    notes.insert(0, 'a'.repeat(10_000));
    notes.insert(notes.length, 'b'.repeat(10_000));
    // Two 10 KB pastes in one TCP write: read, applied and stored in one turn, as one 20 KB update.
    const tcp = (writer as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    tcp.cork();
    for (const update of updates) writer.send(encodeSyncFrame(SYNC_UPDATE, update));
    tcp.uncork();
    await waitFor(() => reader.notes(topic).length === 20_000, 'both pastes on the other instance');
    expect(reader.notes(topic).toString()).toBe(notes.toString());
    const admin = new Redis(redis.url);
    try {
      const entries = await admin.xrangeBuffer(`${prefix}docs:{${SESSION}}:stream`, '-', '+');
      expect(entries.map(([, fields]) => fields[1]!.length > maxMessageBytes)).toEqual([true]);
    } finally {
      admin.disconnect();
    }
    writer.close();
    expect(await closed).toBe(1005); // closed by the client, not 4503 (storage unavailable)
  });

  it('clients spread over three instances converge, and the template exists once', async () => {
    newCluster();
    const instances = [await instance(), await instance(), await instance()];
    const clients = instances.flatMap((s) => [connectClient(s.collabUrl, SESSION), connectClient(s.collabUrl, SESSION)]);
    await Promise.all(clients.map((c) => c.synced()));
    const topics = instances[0]!.app.meta.getSession(SESSION).topics.map((t) => t.id);
    for (const client of clients) expect(readSections(client.doc).map((s) => s.id)).toEqual(topics);
    clients.forEach((client, i) => client.notes(topics[i % 3]!).insert(0, `line ${i};`));
    const expected = (c: TestClient): boolean => [0, 1, 2].every((t) => textOf(c, topics[t]!).split(';').length - 1 === 2);
    await waitFor(() => clients.every(expected), 'every client to see every line');
    for (const client of clients) for (const topic of topics.slice(0, 3)) expect(textOf(client, topic)).toBe(textOf(clients[0]!, topic));
    // The template was stored once, as the first snapshot; the stream holds only the six edits
    // (edits that reach an instance in one event-loop turn are one entry).
    const admin = new Redis(redis.url);
    try {
      expect(await admin.hget(`${prefix}docs:{${SESSION}}:snapshot`, 'lastId')).toBe('0-0');
      const entries = await admin.xrangeBuffer(`${prefix}docs:{${SESSION}}:stream`, '-', '+');
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.length).toBeLessThanOrEqual(clients.length);
      const writers = new Set(entries.flatMap(([, fields]) => [...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(fields[1]!)).keys()]));
      expect([...writers].sort()).toEqual(clients.map((c) => c.doc.clientID).sort());
    } finally {
      admin.disconnect();
    }
  });

  it('metadata, links and follow-ups are shared: an import, a revoked link and an assignment on A act on B', async () => {
    newCluster();
    const [a, b, c] = [await instance(), await instance(), await instance()];
    const onA = connectClient(a.collabUrl, SESSION);
    const onB = connectClient(b.collabUrl, SESSION);
    await Promise.all([onA.synced(), onB.synced()]);
    // New topics imported through C, which does not hold the doc: A and B learn of them at the
    // same moment and race to add the section; it must be added once.
    const session = a.app.meta.getSession(SESSION);
    const imported = await api(c, 'POST', '/api/events/lpc2019/sessions', { id: SESSION, title: session.title, topics: [{ id: 'cluster-topic', title: 'Cluster topic' }] });
    expect(imported.status).toBe(200);
    await waitFor(async () => (await api(b, 'GET', `/api/sessions/${SESSION}`)).json.topics.some((t: { id: string }) => t.id === 'cluster-topic'), 'B to serve the new topic');
    const sectionIds = (client: TestClient): string[] => readSections(client.doc).map((section) => section.id);
    await waitFor(() => sectionIds(onA).includes('cluster-topic') && sectionIds(onB).includes('cluster-topic'), 'the new section in both docs');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const client of [onA, onB]) expect(sectionIds(client).filter((id) => id === 'cluster-topic')).toHaveLength(1);

    // An action item captured on B, assigned by the lead API on A, is assigned on B.
    const item = await api(b, 'POST', `/api/sessions/${SESSION}/action-items`, { topicId: 'cluster-topic', text: 'Write the deployment guide' });
    expect(item.status).toBe(201);
    const assigned = await api(a, 'PATCH', `/api/sessions/${SESSION}/action-items/${item.json.id}`, { assignee: { name: 'Ada' }, status: 'in-progress' });
    expect(assigned.status).toBe(200);
    await waitFor(async () => {
      const items = (await api(b, 'GET', `/api/sessions/${SESSION}/action-items`)).json.items as Array<{ id: string; assignee?: { name: string }; status?: string }>;
      const seen = items.find((i) => i.id === item.json.id);
      return seen?.assignee?.name === 'Ada' && seen.status === 'in-progress';
    }, 'the assignment made on A to show on B');

    // A link created on A works on B; revoked on A, its socket on B is closed at once.
    const link = await api(a, 'POST', `/api/sessions/${SESSION}/tokens`, { role: 'participant' });
    expect(link.status).toBe(201);
    await waitFor(() => b.app.meta.findToken(link.json.token) !== undefined, 'B to know the new link');
    const withLink = connectClient(b.collabUrl, SESSION, { params: { token: link.json.token } });
    await withLink.synced();
    const closed = new Promise<number>((resolve) => withLink.provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)));
    expect((await api(a, 'DELETE', `/api/sessions/${SESSION}/tokens/${link.json.id}`)).status).toBe(200);
    expect(await within(closed, 'the revoked link to be closed on B', 5000)).toBe(CloseCode.FORBIDDEN);
  });

  it('presence crosses instances and leaves with its client', async () => {
    newCluster();
    const [a, b] = [await instance(), await instance()];
    const alice = connectClient(a.collabUrl, SESSION, { name: 'Alice' });
    const bob = connectClient(b.collabUrl, SESSION, { name: 'Bob' });
    await Promise.all([alice.synced(), bob.synced()]);
    const namesSeenBy = (client: TestClient): string[] =>
      [...client.provider.awareness.getStates().values()].map((state) => (state as { user?: { name?: string } }).user?.name ?? '').sort();
    await waitFor(() => namesSeenBy(bob).join() === 'Alice,Bob', 'Bob to see Alice (on another instance)');
    // A client arriving later on a third instance gets the presence of both.
    const carol = connectClient((await instance()).collabUrl, SESSION, { name: 'Carol' });
    await waitFor(() => namesSeenBy(carol).join() === 'Alice,Bob,Carol', 'Carol to see everyone');
    await waitFor(() => namesSeenBy(alice).join() === 'Alice,Bob,Carol', 'Alice to see Carol');
    alice.destroy();
    await waitFor(() => namesSeenBy(bob).join() === 'Bob,Carol' && namesSeenBy(carol).join() === 'Bob,Carol', 'Alice to leave everywhere');
  });

  it('any instance loads any session: after every instance unloaded it, a fresh one has everything', async () => {
    newCluster();
    const a = await instance({ docIdleUnloadMs: 50 });
    const writer = connectClient(a.collabUrl, SESSION);
    await writer.synced();
    const topic = a.app.meta.getSession(SESSION).topics[1]!.id;
    writer.notes(topic).insert(0, 'typed on instance A');
    await waitFor(() => a.app.docs.peerCount(SESSION) === 1, 'writer attached');
    writer.destroy();
    await waitFor(() => a.app.docs.loadedCount === 0, 'instance A to unload the doc');
    const b = await instance();
    const reader = connectClient(b.collabUrl, SESSION);
    await reader.synced();
    expect(textOf(reader, topic)).toBe('typed on instance A');
    expect(readSections(reader.doc).length).toBe(a.app.meta.getSession(SESSION).topics.length);
  });

  it('kill -9 of an instance during a write burst: its clients go on elsewhere, nothing relayed is lost', async () => {
    newCluster();
    // Short leases: the survivor must take over the session once the leader is dead.
    const doomed = await childInstance({ REDIS_LEASE_MS: '1000' });
    const survivor = await instance({ redisLeaseMs: 1000 });
    const topic = survivor.app.meta.getSession(SESSION).topics[0]!.id;
    // The doomed instance loads the doc first and so leads it.
    const writers = [0, 1, 2].map(() => connectClient(doomed.collabUrl, SESSION));
    await Promise.all(writers.map((w) => w.synced()));
    // Readers see only what an instance relayed: what the doomed one relayed must survive it.
    const readerOnDoomed = connectClient(doomed.collabUrl, SESSION);
    const readerOnSurvivor = connectClient(survivor.collabUrl, SESSION);
    await Promise.all([...writers, readerOnDoomed, readerOnSurvivor].map((c) => c.synced()));
    const typists = writers.map((w, i) => typist(w, topic, `w${i}`, 10));
    await waitFor(() => occurrences(textOf(readerOnSurvivor, topic), '<') > 100, 'the burst to reach the other instance');
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const relayedByDoomed = textOf(readerOnDoomed, topic).match(/<w\d-\d+>/g) ?? [];
    expect(relayedByDoomed.length).toBeGreaterThan(50);
    // Before any client reconnects: everything the dead instance relayed is in the cluster.
    const probe = connectClient(survivor.collabUrl, SESSION);
    await probe.synced();
    const stored = textOf(probe, topic);
    const lost = relayedByDoomed.filter((token) => !stored.includes(token));
    expect(lost).toEqual([]);
    // Its clients reconnect elsewhere, push what they typed meanwhile, and keep typing.
    const moved = writers.map((w) => reconnectTo(w, survivor.collabUrl));
    await waitFor(() => moved.every((p) => p.synced), 'the writers to reconnect to the surviving instance');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const typed = typists.map((t) => t.stop()).flat();
    await waitFor(() => typed.every((token) => textOf(readerOnSurvivor, topic).includes(token)), 'every typed token on the surviving instance', 15_000);
    const final = textOf(readerOnSurvivor, topic);
    expect(typed.filter((token) => occurrences(final, token) !== 1)).toEqual([]);
    for (const writer of writers) await waitFor(() => textOf(writer, topic) === final, 'writers to converge');
    await waitFor(() => survivor.app.docs.withDoc(SESSION, (live) => live.isLeader), 'the survivor to take over the lease', 5000);
    console.log(`kill -9 in cluster: ${relayedByDoomed.length} tokens relayed by the killed instance, ${typed.length} typed in all; lost: ${lost.length}`);
  });

  it('Redis restarted mid-session: instances reconnect and resync, no edit lost or doubled', async () => {
    newCluster();
    const [a, b] = [await instance(), await instance()];
    const topic = a.app.meta.getSession(SESSION).topics[2]!.id;
    const writerA = connectClient(a.collabUrl, SESSION);
    const writerB = connectClient(b.collabUrl, SESSION);
    await Promise.all([writerA.synced(), writerB.synced()]);
    const typists = [typist(writerA, topic, 'a', 10), typist(writerB, topic, 'b', 10)];
    await waitFor(() => occurrences(textOf(writerB, topic), '<a-') > 20, 'edits to flow across instances');
    await redis.restart({ downMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    const typed = typists.map((t) => t.stop()).flat();
    const everything = (client: TestClient): boolean => typed.every((token) => textOf(client, topic).includes(token));
    await waitFor(() => everything(writerA) && everything(writerB), 'both writers to have every token after the restart', 20_000);
    const fresh = connectClient((await instance()).collabUrl, SESSION);
    await fresh.synced();
    await waitFor(() => everything(fresh), 'a fresh instance to load every token from Redis');
    for (const client of [writerA, writerB, fresh]) expect(typed.filter((token) => occurrences(textOf(client, topic), token) !== 1)).toEqual([]);
    expect(textOf(writerA, topic)).toBe(textOf(fresh, topic));
    console.log(`Redis restart: ${typed.length} tokens typed across the restart; lost or doubled: none`);
  });

  it('compactions racing on two instances (leadership changing hands all the time) lose and double nothing', async () => {
    newCluster();
    const tight = { compactLogBytes: 1024, redisLeaseMs: 1000, redisStreamRetainMs: 1000 };
    const [a, b] = [await instance(tight), await instance(tight)];
    const topic = a.app.meta.getSession(SESSION).topics[3]!.id;
    const writers = [connectClient(a.collabUrl, SESSION), connectClient(b.collabUrl, SESSION)];
    await Promise.all(writers.map((w) => w.synced()));
    const admin = new Redis(redis.url);
    const keys = { lease: `${prefix}docs:{${SESSION}}:lease`, snapshot: `${prefix}docs:{${SESSION}}:snapshot`, stream: `${prefix}docs:{${SESSION}}:stream` };
    try {
      // Taking the lease away over and over makes both instances take it and compact in turn.
      const stealer = setInterval(() => void admin.del(keys.lease), 25);
      const snapshotIds = new Set<string>();
      const watcher = setInterval(() => void admin.hget(keys.snapshot, 'lastId').then((id) => id && snapshotIds.add(id)), 20);
      const typists = writers.map((w, i) => typist(w, topic, `c${i}`, 10));
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const typed = typists.map((t) => t.stop()).flat();
      clearInterval(stealer);
      clearInterval(watcher);
      const everything = (client: TestClient): boolean => typed.every((token) => textOf(client, topic).includes(token));
      await waitFor(() => writers.every(everything), 'both writers to converge', 15_000).catch((error: Error) => {
        const missing = writers.map((w) => typed.filter((token) => !textOf(w, topic).includes(token)));
        throw new Error(`${error.message}; missing per writer: ${missing.map((m) => `${m.length} e.g. ${m.slice(0, 5).join(' ')}`).join(' | ')}`);
      });
      // The stream was trimmed after snapshots: a fresh instance loads from snapshot + tail.
      const streamLength = await admin.xlen(keys.stream);
      expect(snapshotIds.size).toBeGreaterThan(5);
      expect(streamLength).toBeLessThan(typed.length);
      const fresh = connectClient((await instance()).collabUrl, SESSION);
      await fresh.synced();
      expect(typed.filter((token) => occurrences(textOf(fresh, topic), token) !== 1)).toEqual([]);
      expect(textOf(fresh, topic)).toBe(textOf(writers[0]!, topic));
      console.log(`racing compactions: ${typed.length} edits, ${snapshotIds.size} snapshots seen, stream left with ${streamLength} entries; lost or doubled: none`);
    } finally {
      admin.disconnect();
    }
  });

  it('Redis unreachable at start: a clear error naming REDIS_URL, not a hang', async () => {
    const closedPort = await freePort();
    const url = `redis://127.0.0.1:${closedPort}`;
    await expect(within(startServer({ redisUrl: url, redisConnectTimeoutMs: 1000 }), 'the start to fail', 10_000)).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/? \(REDIS_URL\)/);
    const dataDir = await makeTempDir();
    try {
      await expect(startChildServer(dataDir, { REDIS_URL: url, REDIS_CONNECT_TIMEOUT_MS: '1000' })).rejects.toThrow(/mcpad failed to start: cannot reach Redis/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
