/**
 * Cluster inputs are validated (issue #13): a stream entry that is not a Yjs update is skipped
 * alone (the entries around it are applied, the tail moves on), and presence from Redis passes the
 * same size and ownership filters as a local peer's.
 */
import { Redis } from 'ioredis';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findSection, sectionNotes } from '../../shared/doc-schema.ts';
import { encodeAwarenessEntries } from '../../shared/wire.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { serverPool, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
/** Another instance's id as the presence channel frames it (16 hex characters). */
const FOREIGN_INSTANCE = 'f0f0f0f0f0f0f0f0';
const pool = serverPool();
let redis: TestRedis;
let client: Redis;
let clusterCount = 0;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.close();
});
afterEach(async () => {
  destroyAllClients();
  await pool.closeAll();
});

async function twoInstances(): Promise<{ a: TestServer; b: TestServer; prefix: string }> {
  const prefix = `inputs${++clusterCount}:`;
  const a = await pool.start({ redisUrl: redis.url, redisKeyPrefix: prefix });
  const b = await pool.start({ redisUrl: redis.url, redisKeyPrefix: prefix });
  return { a, b, prefix };
}

/** An update that appends `text` to the topic's notes, made from a copy of `from`'s doc. */
function appendUpdate(from: TestClient, text: string): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(from.doc));
  const before = Y.encodeStateVector(copy);
  const notes = sectionNotes(findSection(copy, TOPIC)!)!;
  notes.insert(notes.length, text);
  return Y.encodeStateAsUpdate(copy, before);
}

describe('cluster inputs', () => {
  it('skips a stream entry that is not a Yjs update and applies the entries around it', async () => {
    const { a, b, prefix } = await twoInstances();
    const onA = connectClient(a.collabUrl, SESSION);
    const onB = connectClient(b.collabUrl, SESSION);
    await Promise.all([onA.synced(), onB.synced()]);
    const stream = `${prefix}docs:{${SESSION}}:stream`;
    const first = appendUpdate(onA, 'first-good ');
    const probe = new Y.Doc();
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(onA.doc));
    Y.applyUpdate(probe, first);
    const second = appendUpdate({ doc: probe } as TestClient, 'second-good');
    // One transaction: both instances read the three entries in one batch.
    await client
      .multi()
      .xadd(stream, '*', 'u', Buffer.from(first), 'i', FOREIGN_INSTANCE)
      .xadd(stream, '*', 'u', Buffer.from('garbage entry, not a yjs update'), 'i', FOREIGN_INSTANCE)
      .xadd(stream, '*', 'u', Buffer.from(second), 'i', FOREIGN_INSTANCE)
      .exec();
    for (const c of [onA, onB]) await waitFor(() => c.notes(TOPIC).toString().endsWith('first-good second-good'), 'both good entries applied');
    // The tail moved past the bad entry: later edits still cross instances both ways.
    onA.notes(TOPIC).insert(0, 'from-a ');
    onB.notes(TOPIC).insert(0, 'from-b ');
    for (const c of [onA, onB]) await waitFor(() => c.notes(TOPIC).toString().includes('from-a') && c.notes(TOPIC).toString().includes('from-b'), 'later edits on both');
  });

  it('drops an oversized remote presence entry and one for a local client id; applies the rest', async () => {
    const { a, prefix } = await twoInstances();
    const alice = connectClient(a.collabUrl, SESSION, { name: 'Alice' });
    await alice.synced();
    await waitFor(() => a.app.docs.peerCount(SESSION) === 1 && alice.provider.awareness.getStates().size === 1, 'alice connected');
    const watcher = connectClient(a.collabUrl, SESSION);
    await watcher.synced();
    await waitFor(() => [...watcher.provider.awareness.getStates().values()].some((s) => (s as { user?: { name?: string } }).user?.name === 'Alice'), 'the watcher to see Alice');

    const big = 'x'.repeat(a.config.maxAwarenessStateBytes + 1);
    const entries: Array<[number, number, string]> = [
      [900001, 1, JSON.stringify({ user: { name: 'Oversized', color: big } })],
      [alice.doc.clientID, 99, JSON.stringify({ user: { name: 'Impostor' } })],
      [900002, 1, JSON.stringify({ user: { name: 'Remote Bob', color: '#123456' } })],
    ];
    const inner = encodeAwarenessEntries(entries.map(([clientId, clock, stateJson]) => ({ clientId, clock, stateJson })));
    const message = Buffer.concat([Buffer.from(FOREIGN_INSTANCE, 'latin1'), Buffer.from([0]), Buffer.from(inner)]);
    await client.publish(`${prefix}docs:{${SESSION}}:awareness`, message);

    const names = (): string[] => [...watcher.provider.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name ?? '');
    await waitFor(() => names().includes('Remote Bob'), 'the valid remote entry to arrive');
    expect(names()).not.toContain('Oversized');
    expect(names()).not.toContain('Impostor');
    expect(names()).toContain('Alice');
  });
});
