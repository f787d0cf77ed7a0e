/**
 * Cluster mode, metadata half (issue #8): several MetaService instances over one real
 * redis-server share events, sessions and links, hear of each other's changes, never lose a
 * concurrent write, and seed an empty Redis once; checkpoints live in Redis too.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionDraft, Session } from '../../shared/domain.ts';
import { createRedisCheckpointStore } from '../../server/cluster/redis-checkpoint-store.ts';
import { createRedisMetaStore } from '../../server/cluster/redis-meta-store.ts';
import { DEFAULT_CONFIG } from '../../server/config.ts';
import { MetaService } from '../../server/meta/meta-service.ts';
import { loadSeed } from '../../server/import/seed.ts';
import type { TokenInfo } from '../../server/meta/tokens.ts';
import type { CheckpointInfo } from '../../server/storage/checkpoint-store.ts';
import type { MetaData, SharedMetaStore } from '../../server/storage/meta-store.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PREFIX = 'mctest:';
let redisServer: TestRedis;
let connections: Redis[] = [];
let closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  redisServer = await startRedis();
});
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  for (const connection of connections) connection.disconnect();
  closers = [];
  connections = [];
  await redisServer.close();
});

async function connect(options: { name?: string; reconnectDelayMs?: number } = {}): Promise<Redis> {
  const connection = new Redis(redisServer.url, {
    maxRetriesPerRequest: null,
    ...(options.name ? { connectionName: options.name } : {}),
    ...(options.reconnectDelayMs ? { retryStrategy: () => options.reconnectDelayMs } : {}),
  });
  connections.push(connection);
  await connection.ping();
  return connection;
}

/** One cluster instance's metadata: its own command and subscriber connections. */
async function instance(
  id: string,
  wrap: (store: SharedMetaStore) => SharedMetaStore = (store) => store,
  subscriberOptions: Parameters<typeof connect>[0] = {},
): Promise<MetaService> {
  const store = createRedisMetaStore(await connect(), await connect(subscriberOptions), PREFIX, id);
  const meta = await MetaService.open(wrap(store));
  closers.push(async () => {
    await meta.close();
    await store.close();
  });
  return meta;
}

/** The metadata as Redis holds it. */
async function stored(): Promise<{ data: MetaData; revision: number }> {
  const redis = await connect();
  const [json, revision] = await redis.mget(`${PREFIX}meta`, `${PREFIX}meta:rev`);
  return { data: JSON.parse(json!) as MetaData, revision: Number(revision) };
}

/** Holds an instance's first save until `release()` (the write is computed, not yet stored), so
 *  another instance can save first; counts the saves that lost the race. */
function holdFirstSave() {
  let reachedSave!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (reachedSave = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = { reached, release, conflicts: 0, wrap: (store: SharedMetaStore) => store };
  held.wrap = (store) => {
    let first = true;
    return {
      ...store,
      async saveIfCurrent(data, basedOn) {
        if (first) {
          first = false;
          reachedSave();
          await gate;
        }
        const outcome = await store.saveIfCurrent(data, basedOn);
        if (!outcome.saved) held.conflicts++;
        return outcome;
      },
    };
  };
  return held;
}

const draft = (id: string, ...topics: string[]): SessionDraft => ({ id, title: `Session ${id}`, topics: topics.map((title) => ({ title })) });
const topicTitles = (session: Session | undefined): string[] => session?.topics.map((t) => t.title) ?? [];

describe('shared metadata over Redis', () => {
  it('makes an import on one instance readable on another, links included', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const result = await a.importSessions('conf', [draft('kernel', 'io_uring', 'BPF')], { eventTitle: 'Conf' });
    await waitFor(() => b.hasSession('kernel'), 'instance b to see the session');
    expect(topicTitles(b.findSession('kernel'))).toEqual(['io_uring', 'BPF']);
    expect(b.listEvents()).toEqual([expect.objectContaining({ id: 'conf', title: 'Conf', sessionCount: 1 })]);
    const leadToken = result.sessions[0]!.leadToken!;
    expect(b.findToken(leadToken)).toMatchObject({ sessionId: 'kernel', role: 'lead' });

    // And back: b's change reaches a.
    await b.setParticipantAccess('conf', 'link');
    await waitFor(() => a.participantAccess('conf') === 'link', 'instance a to see the access change');
  });

  it('recomputes a write that lost the race on the winner’s data, so both land', async () => {
    const held = holdFirstSave();
    const a = await instance('a');
    const b = await instance('b', held.wrap);
    // b computes on the empty store, then waits while a saves first.
    const fromB = b.importSessions('conf', [draft('from-b', 'one')]);
    await held.reached;
    await a.importSessions('conf', [draft('from-a', 'two')]);
    held.release();
    const resultB = await fromB;

    expect(held.conflicts).toBe(1);
    // The event existed by the time b's retry ran: b did not create it a second time.
    expect(resultB.eventCreated).toBe(false);
    const { data, revision } = await stored();
    expect(revision).toBe(2);
    expect(data.events.map((e) => e.id)).toEqual(['conf']);
    expect(data.sessions.map((s) => s.id).sort()).toEqual(['from-a', 'from-b']);
    expect(b.hasSession('from-a') && b.hasSession('from-b')).toBe(true);
    await waitFor(() => a.hasSession('from-b'), 'instance a to see b’s session');
  });

  it('loses none of many concurrent writes from two instances', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await a.importSessions('conf', [draft('common', 'opening')]);
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < 8; i++) {
      writes.push(a.importSessions('conf', [draft(`a-${i}`, 'x'), draft('common', `from a ${i}`)]));
      writes.push(b.importSessions('conf', [draft(`b-${i}`, 'y'), draft('common', `from b ${i}`)]));
    }
    await Promise.all(writes);

    const { data, revision } = await stored();
    // One revision per write: none overwrote another, none was saved twice.
    expect(revision).toBe(1 + writes.length);
    expect(data.sessions).toHaveLength(1 + writes.length);
    const common = data.sessions.find((s) => s.id === 'common');
    expect(topicTitles(common)).toHaveLength(1 + writes.length);
    for (let i = 0; i < 8; i++) expect(topicTitles(common)).toEqual(expect.arrayContaining([`from a ${i}`, `from b ${i}`]));
    for (const meta of [a, b]) {
      await waitFor(() => topicTitles(meta.findSession('common')).length === 1 + writes.length, 'both instances to hold every topic');
      expect(meta.sessionsOf('conf')).toHaveLength(1 + writes.length);
    }
  });

  it('tells listeners on another instance about added topics and revoked links', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const topicsOnA: string[] = [];
    const topicsOnB: Session[] = [];
    const revokedOnB: TokenInfo[] = [];
    a.onTopicsAdded((session) => topicsOnA.push(session.id));
    b.onTopicsAdded((session) => topicsOnB.push(session));
    b.onTokenRevoked((info) => revokedOnB.push(info));

    await a.importSessions('conf', [draft('kernel', 'io_uring')]);
    await waitFor(() => b.hasSession('kernel'), 'instance b to see the session');
    // A new session is not "topics added", on either instance.
    expect(topicsOnB).toEqual([]);

    await a.importSessions('conf', [draft('kernel', 'io_uring', 'BPF')]);
    await waitFor(() => topicsOnB.length > 0, 'b’s topics listener');
    expect(topicsOnB.map((s) => s.id)).toEqual(['kernel']);
    expect(topicTitles(topicsOnB[0])).toEqual(['io_uring', 'BPF']);
    expect(topicsOnA).toEqual(['kernel']);

    const { info, token } = await a.createToken('kernel', 'participant', 'room');
    await waitFor(() => b.findToken(token), 'instance b to know the link');
    const revoked = await a.revokeToken('kernel', info.id);
    await waitFor(() => revokedOnB.length > 0, 'b’s revoke listener');
    expect(revokedOnB).toEqual([revoked]);
    expect(revokedOnB[0]!.revokedAt).toBeTruthy();
    expect(b.findToken(token)).toBeUndefined();

    // A later unrelated change announces neither again.
    await a.setParticipantAccess('conf', 'link');
    await waitFor(() => b.participantAccess('conf') === 'link', 'the access change on b');
    expect(topicsOnB).toHaveLength(1);
    expect(revokedOnB).toHaveLength(1);
  });

  it('catches up on changes saved while its subscriber was reconnecting', async () => {
    const a = await instance('a');
    const b = await instance('b', undefined, { name: 'b-subscriber', reconnectDelayMs: 500 });
    const admin = await connect();
    const clients = String(await admin.client('LIST'));
    const subscriberId = /id=(\d+) .*name=b-subscriber /.exec(clients)?.[1];
    expect(subscriberId).toBeDefined();
    await admin.client('KILL', 'ID', subscriberId!);
    // Saved while b cannot hear the notice.
    await a.importSessions('conf', [draft('late', 'topic')]);
    await waitFor(() => b.hasSession('late'), 'instance b to reload after reconnecting');
  });

  it('seeds an empty Redis once when two instances start at the same time', async () => {
    const held = holdFirstSave();
    const a = await instance('a');
    const b = await instance('b', held.wrap);
    expect(a.isFresh && b.isFresh).toBe(true);

    const seedDir = DEFAULT_CONFIG.seedDir!;
    // b computes its seed on the empty store but saves only after a has seeded.
    const seedingB = loadSeed(b, seedDir);
    await held.reached;
    const seededA = await loadSeed(a, seedDir);
    held.release();
    const seededB = await seedingB;

    expect(held.conflicts).toBe(1);
    // One lead link, printed by the instance that created the session.
    expect(seededA.map((s) => s.sessionId)).toEqual(['containers-cr']);
    expect(seededB).toEqual([]);
    const { data } = await stored();
    expect(data.events.map((e) => e.id)).toEqual(['lpc2019']);
    expect(data.sessions.map((s) => s.id)).toEqual(['containers-cr']);
    expect(data.sessions[0]!.topics).toHaveLength(19);
    expect(data.tokens).toHaveLength(1);
    expect(b.getEvent('lpc2019').sessions[0]!.topics).toHaveLength(19);

    // A third instance starting later finds the seed: not fresh.
    const c = await instance('c');
    expect(c.isFresh).toBe(false);
    expect(c.getSession('containers-cr').topics).toHaveLength(19);
  });
});

describe('checkpoints in Redis', () => {
  const info = (id: string, reason: CheckpointInfo['reason'] = 'auto'): CheckpointInfo => ({
    id,
    sessionId: 'kernel',
    createdAt: '2019-09-10T10:00:00.000Z',
    reason,
    contributors: ['Mike'],
    bytes: 3,
  });
  const FIRST = '20190910T100000000Z-abcd';
  const SECOND = '20190910T100500000Z-ef01';

  it('stores, lists oldest first, reads and removes, visible to another instance', async () => {
    const redis = await connect();
    const store = createRedisCheckpointStore(redis, PREFIX);
    const other = createRedisCheckpointStore(await connect(), PREFIX);
    expect(await store.list('kernel')).toEqual([]);

    await store.save(info(FIRST), new Uint8Array([1, 2, 3]));
    await store.save(info(SECOND, 'manual'), new Uint8Array([4, 5, 6]));
    expect(await other.list('kernel')).toEqual([info(FIRST), info(SECOND, 'manual')]);
    expect([...(await other.read('kernel', SECOND))]).toEqual([4, 5, 6]);
    expect(await store.list('other-session')).toEqual([]);
    expect((await redis.keys('*')).every((key) => key.startsWith(`${PREFIX}checkpoints:kernel:`))).toBe(true);

    await other.remove('kernel', [FIRST]);
    expect(await store.list('kernel')).toEqual([info(SECOND, 'manual')]);
    await expect(store.read('kernel', FIRST)).rejects.toThrow(/does not exist/);
    expect(await redis.exists(`${PREFIX}checkpoints:kernel:state:${FIRST}`)).toBe(0);
    expect([...(await store.read('kernel', SECOND))]).toEqual([4, 5, 6]);
  });

  it('refuses bad ids before touching Redis, and a damaged state', async () => {
    const redis = await connect();
    const store = createRedisCheckpointStore(redis, PREFIX);
    await expect(store.list('../kernel')).rejects.toThrow(/invalid session id/);
    await expect(store.read('kernel', 'nope')).rejects.toThrow(/invalid checkpoint id/);
    await expect(store.save({ ...info(FIRST), sessionId: 'Kernel:x' }, new Uint8Array([1]))).rejects.toThrow(/invalid session id/);
    await expect(store.save(info('20190910T100000000Z-abcd:x'), new Uint8Array([1]))).rejects.toThrow(/invalid checkpoint id/);
    await expect(store.remove('kernel', [FIRST, '*'])).rejects.toThrow(/invalid checkpoint id/);
    expect(await redis.keys('*')).toEqual([]);

    await store.save(info(FIRST), new Uint8Array([1, 2, 3]));
    await redis.setrange(`${PREFIX}checkpoints:kernel:state:${FIRST}`, 8, 'x');
    await expect(store.read('kernel', FIRST)).rejects.toThrow(/damaged/);
  });
});
