/**
 * Structure-aware fuzzing of the schema guard (issue #13) against the real server: seeded peers send
 * random valid-Yjs changes, each labelled allowed or refused by construction (tests/helpers/
 * schema-fuzz.ts). Peers attach to the app's doc service in process (the transport is not under
 * test here; protocol-fuzz.test.ts covers the socket edge), so 10,000 changes take seconds. After
 * every batch: the server's decisions match the labels, the JSON export answers 200 with every topic
 * under its own id and title and every accepted change; at the end a stock client syncs, and the doc
 * loads after an idle unload and after a restart. The same corpus is then replayed through two
 * cluster instances sharing a real redis-server. FUZZ_SEED and FUZZ_UPDATES replay or extend a run.
 */
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSections } from '../../shared/doc-schema.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { encodeSyncFrame, SYNC_STEP2, SYNC_UPDATE } from '../../shared/wire.ts';
import type { PeerConnection, PeerSocket } from '../../server/docs/peer.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { SchemaFuzzer, type FuzzChange } from '../helpers/schema-fuzz.ts';
import { serverPool, type TestServer } from '../helpers/server.ts';
import { api } from '../helpers/session-api.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const SEED = Number(process.env.FUZZ_SEED ?? 0x5c4e3a);
const UPDATES = Number(process.env.FUZZ_UPDATES ?? 10_000);
const CLUSTER_UPDATES = Number(process.env.FUZZ_CLUSTER_UPDATES ?? 1_500);
const WRITERS = 4;
const CHECK_EVERY = 500;

const servers = serverPool();
afterEach(async () => {
  destroyAllClients();
  await servers.closeAll();
});

/** One in-process connection to a server's doc service, recording how it was answered. */
class FuzzPeer implements PeerSocket {
  closed: { code: number; reason: string } | null = null;
  denied = 0;
  readonly connection: PeerConnection;
  constructor(s: TestServer, sessionId: string, canWrite: boolean) {
    this.connection = s.app.docs.connect(sessionId, this, { canWrite });
  }
  send(message: Uint8Array): void {
    // [2 (auth), 0 (permission denied), reason]
    if (message[0] === 2 && message[1] === 0) this.denied++;
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
}

const frameOf = (change: FuzzChange): Uint8Array => encodeSyncFrame(change.asStep2 ? SYNC_STEP2 : SYNC_UPDATE, change.update);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Recorded {
  change: FuzzChange;
  accepted: boolean;
}

interface TopicView {
  id: string;
  title: string;
  notes: string;
  actions: Array<{ id: string; text: string; done: boolean; createdBy: string; createdAt: string }>;
  decisions: Array<{ id: string; text: string; createdBy: string; createdAt: string }>;
}

async function exportedTopics(s: TestServer, sessionId: string): Promise<TopicView[]> {
  const response = await fetch(`${s.url}/api/sessions/${sessionId}/export?format=json`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { sessions: Array<{ topics: TopicView[] }> };
  return body.sessions[0]!.topics.map((t) => ({
    id: t.id,
    title: t.title,
    notes: t.notes,
    actions: t.actions.map(({ id, text, done, createdBy, createdAt }) => ({ id, text, done, createdBy, createdAt })),
    decisions: t.decisions.map(({ id, text, createdBy, createdAt }) => ({ id, text, createdBy, createdAt })),
  }));
}

/** True when the instance's doc has every struct of `doc` (the other instance's writes arrived). */
async function covers(s: TestServer, doc: Y.Doc): Promise<boolean> {
  const have = Y.decodeStateVector(await s.app.docs.withDoc(SESSION, (live) => Y.encodeStateVector(live.doc)));
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

/** The oracle: every accepted change applied in order to the starting state, nothing else. */
function expectedTopics(oracle: Y.Doc): TopicView[] {
  return readSections(oracle).map(({ id, title, notes, actions, decisions }) => ({ id, title, notes, actions, decisions }));
}

/** What one session's fuzz run produced. */
interface SessionRun {
  sessionId: string;
  start: Uint8Array;
  corpus: Recorded[];
  final: TopicView[];
  byOp: Map<string, number>;
}

/** Sends `count` random changes to one session from WRITERS writers and a viewer, checking every
 *  decision against its label and, every CHECK_EVERY changes, the export against the oracle. */
async function fuzzSession(s: TestServer, sessionId: string, seed: number, count: number): Promise<SessionRun> {
  const docState = (): Promise<Uint8Array> => s.app.docs.withDoc(sessionId, (live) => Y.encodeStateAsUpdate(live.doc));
  const start = await docState();
  const titles = (await exportedTopics(s, sessionId)).map(({ id, title }) => ({ id, title }));
  const oracle = new Y.Doc();
  Y.applyUpdate(oracle, start);
  const fuzzer = new SchemaFuzzer(seed, WRITERS + 1, start);
  const viewer = WRITERS;
  const connect = (canWrite: boolean): FuzzPeer => new FuzzPeer(s, sessionId, canWrite);
  const peers: FuzzPeer[] = Array.from({ length: WRITERS + 1 }, (_, i) => connect(i !== viewer));
  const corpus: Recorded[] = [];
  const byOp = new Map<string, number>();
  let sent = 0;
  let nextCheck = CHECK_EVERY;
  let deniedExpected = 0;

  while (sent < count) {
    // One change per peer per turn: the server applies a turn's frames in one transaction.
    const batch: Array<{ peer: number; change: FuzzChange }> = [];
    for (let peer = 0; peer <= WRITERS; peer++) {
      const change = fuzzer.next(peer);
      if (change) batch.push({ peer, change });
    }
    for (const { peer, change } of batch) peers[peer]!.connection.receive(frameOf(change));
    await turn();
    await turn();
    const wrong: string[] = [];
    const restart: number[] = [];
    for (const { peer, change } of batch) {
      sent++;
      byOp.set(change.op, (byOp.get(change.op) ?? 0) + 1);
      const socket = peers[peer]!;
      if (peer === viewer) {
        deniedExpected++;
        if (socket.closed) wrong.push(`viewer closed: ${socket.closed.reason}`);
        // The viewer's copy keeps its refused edit (as the stock provider does): start it over.
        restart.push(peer);
        continue;
      }
      const accepted = socket.closed === null;
      corpus.push({ change, accepted });
      if (accepted) {
        const before = change.allowed ? null : JSON.stringify(expectedTopics(oracle));
        Y.applyUpdate(oracle, change.update);
        // A refused kind of change may be let through only where it has no effect: e.g. removing
        // an action item's text that another writer had already replaced (the delete hits nothing).
        if (before !== null && JSON.stringify(expectedTopics(oracle)) !== before) wrong.push(`${change.op} (refused by the schema) was accepted and changed the notes`);
      } else if (change.allowed) wrong.push(`${change.op} (allowed by the schema) was refused: ${socket.closed!.reason}`);
      if (!accepted && socket.closed!.code !== CloseCode.BAD_MESSAGE) wrong.push(`${change.op} closed with ${socket.closed!.code}: ${socket.closed!.reason}`);
      if (!accepted) {
        // As a client would: reconnect and start from what the server has.
        socket.connection.closed();
        peers[peer] = connect(true);
        restart.push(peer);
      }
    }
    expect(wrong).toEqual([]);
    const current = await docState();
    for (const peer of restart) fuzzer.reset(peer, current);
    // Peers catch up now and then, so some changes are concurrent with others'.
    for (let peer = 0; peer <= WRITERS; peer++) if ((sent + peer) % 3 === 0 && !restart.includes(peer)) fuzzer.pull(peer, (sv) => Y.diffUpdate(current, sv));
    if (sent >= nextCheck) {
      nextCheck += CHECK_EVERY;
      const topics = await exportedTopics(s, sessionId);
      expect(topics.map(({ id, title }) => ({ id, title }))).toEqual(titles);
      expect(topics).toEqual(expectedTopics(oracle));
    }
  }
  expect(peers[viewer]!.denied).toBe(deniedExpected);
  for (const peer of peers) peer.connection.closed();
  return { sessionId, start, corpus, final: expectedTopics(oracle), byOp };
}

const PER_SESSION = 2_000;

describe('schema guard fuzz', () => {
  let redis: TestRedis;
  let first: SessionRun | null = null;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it(`${UPDATES} random changes from ${WRITERS} writers and a viewer: every decision as labelled, nothing lost, nothing broken`, async () => {
    const s = await servers.start({ docIdleUnloadMs: 100 });
    // Several sessions of 2,000 changes each: a doc's cost grows with its history.
    const sessions = [SESSION];
    for (let i = 1; i < Math.ceil(UPDATES / PER_SESSION); i++) {
      const topics = Array.from({ length: 3 + i }, (_, t) => ({ id: `topic-${t}`, title: `Topic ${t} of fuzz ${i}` }));
      const created = await api(s, 'POST', '/api/events/lpc2019/sessions', { id: `fuzz-${i}`, title: `Fuzz ${i}`, topics });
      expect(created.status).toBe(201);
      sessions.push(`fuzz-${i}`);
    }
    const runs: SessionRun[] = [];
    let left = UPDATES;
    for (const [i, sessionId] of sessions.entries()) {
      const count = Math.min(PER_SESSION, left);
      left -= count;
      runs.push(await fuzzSession(s, sessionId, SEED + i, count));
    }
    first = runs[0]!;
    const byOp = new Map<string, number>();
    for (const run of runs) for (const [op, n] of run.byOp) byOp.set(op, (byOp.get(op) ?? 0) + n);
    for (const op of ['type notes', 'capture action item', 'edit action text', 'insert into topics', 'malformed new action', 'write an unknown root', 'record decision', 'agree a decision']) {
      expect(byOp.get(op) ?? 0, op).toBeGreaterThan(UPDATES / 100);
    }
    expect(runs.every((run) => run.final.some((topic) => topic.actions.length > 0 && topic.notes.length > 0))).toBe(true);

    // A fresh stock client syncs the same notes.
    for (const run of runs) {
      const fresh = connectClient(s.collabUrl, run.sessionId);
      await fresh.synced();
      expect(readSections(fresh.doc).map(({ id, title, notes, actions, decisions }) => ({ id, title, notes, actions, decisions }))).toEqual(run.final);
      fresh.destroy();
    }
    // Idle unload, then a load from disk; then a restart on the same data dir.
    await waitFor(() => s.app.docs.loadedCount === 0, 'the docs to unload when idle');
    for (const run of runs) expect(await exportedTopics(s, run.sessionId)).toEqual(run.final);
    await s.stop();
    const restarted = await servers.start({ dataDir: s.dataDir });
    for (const run of runs) expect(await exportedTopics(restarted, run.sessionId)).toEqual(run.final);
  }, Math.max(240_000, UPDATES * 30));

  it('the same corpus replayed through two cluster instances gets the same decisions and the same notes', async () => {
    expect(first).not.toBeNull();
    const { start, corpus } = first!;
    const prefix = `fuzz${Date.now()}:`;
    const a = await servers.start({ redisUrl: redis.url, redisKeyPrefix: prefix });
    const b = await servers.start({ redisUrl: redis.url, redisKeyPrefix: prefix });
    const instances = [a, b];
    expect(await a.app.docs.withDoc(SESSION, (live) => Y.encodeStateAsUpdate(live.doc))).toEqual(start);
    const oracle = new Y.Doc();
    Y.applyUpdate(oracle, start);
    const wrong: string[] = [];
    for (const [index, { change, accepted }] of corpus.slice(0, CLUSTER_UPDATES).entries()) {
      const s = instances[change.peer % 2]!;
      // The change was made on top of what the server had: wait until this instance has it too.
      if (!(await covers(s, oracle))) await waitFor(() => covers(s, oracle), `instance ${change.peer % 2} to have every change before #${index}`, 10_000, 2);
      const peer = new FuzzPeer(s, SESSION, true);
      peer.connection.receive(frameOf(change));
      await turn();
      await turn();
      const gotAccepted = peer.closed === null;
      if (gotAccepted !== accepted) wrong.push(`#${index} ${change.op}: ${accepted ? 'accepted' : 'refused'} embedded, ${gotAccepted ? 'accepted' : `refused (${peer.closed!.reason})`} in the cluster`);
      if (gotAccepted) Y.applyUpdate(oracle, change.update);
      peer.connection.closed();
    }
    expect(wrong).toEqual([]);
    const expected = expectedTopics(oracle);
    for (const s of instances) {
      await waitFor(async () => JSON.stringify(await exportedTopics(s, SESSION)) === JSON.stringify(expected), `instance ${s.port} to converge`, 20_000);
    }
  }, 240_000);
});
