// Over ~350 lines: the live doc's relay contract (batching, coalescing, ordering, cached state) tested on one harness.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocMetrics } from '../../server/docs/doc-metrics.ts';
import { LiveDoc } from '../../server/docs/live-doc.ts';
import type { PeerSocket } from '../../server/docs/peer.ts';
import { encodeUpdate } from '../../server/docs/sync-handler.ts';
import type { DocHandle } from '../../server/storage/doc-store-port.ts';
import { createMemoryDocStore } from '../../server/storage/memory-doc-store.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { CloseCode, MESSAGE_SYNC } from '../../shared/protocol.ts';
import { classifyFrame, decodeAwarenessPayload, decodeSyncPayload, encodeAwarenessFrame, encodeSyncStep1Frame } from '../../shared/wire.ts';

const log = { info() {}, warn() {}, error() {}, debug() {} };
/** Update frames received in one event-loop turn are applied at its end, and relayed in the next. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

interface FakePeer extends PeerSocket {
  messages: Uint8Array[];
  closedWith: number | null;
  updates(): Uint8Array[];
  awareness(): Uint8Array[];
}

function fakePeer(onSend?: (message: Uint8Array) => void): FakePeer {
  const peer: FakePeer = {
    messages: [],
    closedWith: null,
    send(message) {
      onSend?.(message);
      peer.messages.push(message);
    },
    close(code) {
      peer.closedWith = code;
    },
    updates: () => peer.messages.filter((m) => classifyFrame(m) === 'sync-update').map(payload),
    awareness: () => peer.messages.filter((m) => classifyFrame(m) === 'awareness'),
  };
  return peer;
}

function payload(message: Uint8Array): Uint8Array {
  return decodeSyncPayload(message)!;
}

/** A fresh client's sync: the update and step 2 messages answering its empty step 1, in order. */
function freshSync(live: LiveDoc): Uint8Array[] {
  const peer = fakePeer();
  live.addPeer(peer);
  peer.messages.length = 0;
  live.receive(peer, step1(Y.encodeStateVector(new Y.Doc())));
  live.removePeer(peer);
  return peer.messages.filter((m) => classifyFrame(m) === 'sync-step2' || classifyFrame(m) === 'sync-update');
}

const step1 = encodeSyncStep1Frame;

/** A client doc whose every local edit becomes one update frame. */
function author(clientId: number): { doc: Y.Doc; frames: Uint8Array[]; type(text: string): void } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const frames: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => frames.push(encodeUpdate(update)));
  return { doc, frames, type: (text) => doc.getText('t').insert(doc.getText('t').length, text) };
}

/** Records, per appended update, what is on "disk": a doc with every appended update. */
function recordingHandle(inner: DocHandle): DocHandle & { disk: Y.Doc; appends: number } {
  const disk = new Y.Doc();
  const handle = Object.create(inner) as DocHandle & { disk: Y.Doc; appends: number };
  handle.disk = disk;
  handle.appends = 0;
  handle.append = (update: Uint8Array) => {
    inner.append(update);
    Y.applyUpdate(disk, update);
    handle.appends++;
  };
  return handle;
}

function countingMetrics(): DocMetrics & { flushedUpdates: number; flushes: number; applied: number } {
  const m = {
    flushedUpdates: 0,
    flushes: 0,
    applied: 0,
    updateApplied(_bytes: number, frames: number) {
      m.applied += frames;
    },
    storeWrite() {},
    updateRefused() {},
    awarenessApplied() {},
    sent() {},
    flushed(updates: number) {
      m.flushes++;
      m.flushedUpdates += updates;
    },
  };
  return m;
}

const docs: LiveDoc[] = [];
async function liveDoc(metrics?: DocMetrics, stateWarmMs?: number, broadcastDelayMs?: number) {
  const store = createMemoryDocStore();
  const { handle: inner } = await store.open('doc');
  const handle = recordingHandle(inner);
  const clock = new ManualClock();
  const live = new LiveDoc('doc', new Y.Doc(), handle, {
    compactLogBytes: 1 << 30,
    log,
    clock,
    ...(metrics ? { metrics } : {}),
    ...(stateWarmMs !== undefined ? { stateWarmMs } : {}),
    ...(broadcastDelayMs !== undefined ? { broadcastDelayMs } : {}),
  });
  docs.push(live);
  return { live, handle, store, clock };
}

/** A live doc with a watching peer and one peer per writer (a client doc with that client id). */
async function writersRoom(clientIds: number[]) {
  const metrics = countingMetrics();
  const { live, handle } = await liveDoc(metrics);
  const watcher = fakePeer();
  live.addPeer(watcher);
  const writers = clientIds.map(author);
  const peers = writers.map(() => fakePeer());
  for (const peer of peers) live.addPeer(peer);
  return { live, handle, metrics, watcher, writers, peers };
}

afterEach(async () => {
  for (const live of docs.splice(0)) await live.close().catch(() => undefined);
});

describe('live doc broadcast coalescing', () => {
  it('relays the updates of one turn as one message per peer, in order, and not to their sender', async () => {
    const { live } = await liveDoc();
    const sender = fakePeer();
    const others = [fakePeer(), fakePeer(), fakePeer()];
    for (const peer of [sender, ...others]) live.addPeer(peer);
    const a = author(101);
    for (let i = 0; i < 20; i++) a.type(`${i},`);
    for (const frame of a.frames) live.receive(sender, frame);
    expect(others[0]!.updates()).toHaveLength(0); // nothing before the flush
    await turn();
    for (const peer of others) {
      expect(peer.updates()).toHaveLength(1);
      // The same buffer for every peer: encoded once.
      expect(peer.updates()[0]).toEqual(others[0]!.updates()[0]);
    }
    expect(sender.updates()).toHaveLength(0);
    // Applied in the order received: a replica needs nothing else to integrate it.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, others[0]!.updates()[0]!);
    expect(replica.store.pendingStructs).toBeNull();
    expect(replica.getText('t').toString()).toBe(a.doc.getText('t').toString());
  });

  it('with a broadcast delay, holds changes that many turns and sends them as one message', async () => {
    const { live, handle, clock } = await liveDoc(undefined, undefined, 30);
    const sender = fakePeer();
    const watcher = fakePeer();
    live.addPeer(sender);
    live.addPeer(watcher);
    const a = author(111);
    a.type('first ');
    live.receive(sender, a.frames[0]!);
    await turn();
    a.type('second');
    live.receive(sender, a.frames[1]!);
    await turn();
    // Both are on disk already, but nothing is relayed before the delay has passed.
    expect(handle.appends).toBe(2);
    expect(watcher.updates()).toHaveLength(0);
    clock.advance(29);
    expect(watcher.updates()).toHaveLength(0);
    clock.advance(1);
    expect(watcher.updates()).toHaveLength(1);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, watcher.updates()[0]!);
    expect(replica.getText('t').toString()).toBe('first second');
  });

  it('relays every update exactly once over many turns and senders', async () => {
    const { live, handle, metrics, watcher, writers, peers } = await writersRoom([201, 202, 203]);
    const replica = new Y.Doc();
    let frames = 0;
    for (let round = 0; round < 10; round++) {
      writers.forEach((w, i) => {
        const before = w.frames.length;
        for (let k = 0; k <= (round + i) % 3; k++) w.type(`${i}.${round}.${k} `);
        // Deletions too: merged delete sets must survive the coalescing.
        if (round % 4 === 3) w.doc.getText('t').delete(0, 2);
        for (const frame of w.frames.slice(before)) live.receive(peers[i]!, frame);
        frames += w.frames.length - before;
      });
      await turn();
      for (const update of watcher.updates().slice(round)) {
        Y.applyUpdate(replica, update);
        expect(replica.store.pendingStructs).toBeNull();
      }
    }
    expect(watcher.updates()).toHaveLength(10); // one message per turn
    expect(metrics.applied).toBe(frames);
    // The frames of one turn are applied in one transaction and appended as one update, and each
    // appended update is relayed by exactly one flush.
    expect(handle.appends).toBe(10);
    expect(metrics.flushedUpdates).toBe(10);
    expect(replica.getText('t').toString()).toBe(live.doc.getText('t').toString());
    // Merged from several senders, so each sender got the message too (its part is a no-op).
    expect(peers[0]!.updates()).toHaveLength(10);
  });

  it('relays nothing that is not yet appended to the log', async () => {
    const { live, handle } = await liveDoc();
    const check = (message: Uint8Array): void => {
      if (classifyFrame(message) !== 'sync-update') return;
      const sent = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(payload(message)));
      const onDisk = Y.decodeStateVector(Y.encodeStateVector(handle.disk));
      for (const [client, clock] of sent) expect(onDisk.get(client) ?? 0).toBeGreaterThanOrEqual(clock);
    };
    const watcher = fakePeer(check);
    const sender = fakePeer();
    live.addPeer(watcher);
    live.addPeer(sender);
    const a = author(301);
    for (let i = 0; i < 5; i++) {
      a.type(`x${i}`);
      live.receive(sender, a.frames.at(-1)!);
      if (i % 2 === 0) await turn();
    }
    await turn();
    expect(watcher.updates().length).toBeGreaterThan(0);
    expect(handle.disk.getText('t').toString()).toBe(a.doc.getText('t').toString());
  });

  it('relays nothing when the append fails, and closes every peer with 4503', async () => {
    const { live, store } = await liveDoc();
    const watcher = fakePeer();
    const sender = fakePeer();
    live.addPeer(watcher);
    live.addPeer(sender);
    store.failWrites(new Error('ENOSPC'));
    const a = author(401);
    a.type('lost?');
    live.receive(sender, a.frames[0]!);
    await turn();
    expect(watcher.updates()).toHaveLength(0);
    expect(watcher.closedWith).toBe(CloseCode.STORAGE_UNAVAILABLE);
  });

  it('coalesces presence changes of one turn into one awareness message with the latest states', async () => {
    const { live } = await liveDoc();
    const watcher = fakePeer();
    live.addPeer(watcher);
    const clients = [1, 2, 3].map((n) => {
      const doc = new Y.Doc();
      doc.clientID = 500 + n;
      const awareness = new awarenessProtocol.Awareness(doc);
      const peer = fakePeer();
      live.addPeer(peer);
      return { awareness, peer };
    });
    const before = watcher.awareness().length;
    for (let step = 0; step < 3; step++) {
      for (const { awareness, peer } of clients) {
        awareness.setLocalStateField('cursor', step);
        live.receive(peer, encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
      }
    }
    await turn();
    expect(watcher.awareness().length - before).toBe(1);
    const mirror = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(mirror, decodeAwarenessPayload(watcher.awareness().at(-1)!)!, 'server');
    for (const { awareness } of clients) expect(mirror.getStates().get(awareness.clientID)).toEqual({ cursor: 2 });
    for (const { awareness } of clients) awareness.destroy();
    mirror.destroy();
  });

  it('hands an update and a presence change of the same turn to a peer as one batch', async () => {
    const { live } = await liveDoc();
    const batches: Uint8Array[][] = [];
    const singles: Uint8Array[] = [];
    const watcher: PeerSocket = { send: (m) => singles.push(m), sendBatch: (messages) => batches.push([...messages]), close() {} };
    const sender = fakePeer();
    live.addPeer(sender);
    live.addPeer(watcher);
    const a = author(701);
    a.type('x');
    const presence = new awarenessProtocol.Awareness(a.doc);
    presence.setLocalStateField('cursor', 1);
    const presenceFrame = encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(presence, [a.doc.clientID]));
    live.receive(sender, a.frames[0]!);
    live.receive(sender, presenceFrame);
    await turn();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map(classifyFrame)).toEqual(['sync-update', 'awareness']);
    expect(singles.map(classifyFrame)).toEqual(['sync-step1']); // only the handshake's step 1
    presence.destroy();
  });

  it('answers a fresh client from the cached state, after the updates since merged into one, without re-encoding', async () => {
    const { live } = await liveDoc();
    const sender = fakePeer();
    live.addPeer(sender);
    const a = author(601);
    a.type('hello');
    live.receive(sender, a.frames[0]!);
    const fresh = (): Uint8Array[] => freshSync(live);
    const first = fresh();
    expect(first.map((m) => m[1])).toEqual([1]);
    expect(fresh()).toEqual(first);
    expect(live.stateCompact).toBe(true);
    a.type(' world');
    live.receive(sender, a.frames[1]!);
    // The tail first, then the same cached state as step 2: synced means complete.
    const second = fresh();
    expect(second.map((m) => m[1])).toEqual([2, 1]);
    expect(payload(second[1]!)).toEqual(payload(first[0]!));
    expect(live.stateCompact).toBe(false);
    const replica = new Y.Doc();
    for (const message of second) Y.applyUpdate(replica, payload(message));
    expect(replica.getText('t').toString()).toBe('hello world');
  });

  it('drops the cached state once the tail would cost more to merge than an encoding (a small doc: after 16 updates)', async () => {
    const { live } = await liveDoc();
    const sender = fakePeer();
    live.addPeer(sender);
    const a = author(701);
    const fresh = (): number[] => freshSync(live).map((m) => m[1]!);
    fresh();
    // One update per turn: the updates of one turn are appended (and kept in the tail) as one.
    for (let i = 0; i < 16; i++) {
      a.type('x');
      live.receive(sender, a.frames[i]!);
      await turn();
    }
    expect(fresh()).toEqual([2, 1]);
    a.type('y');
    live.receive(sender, a.frames[16]!);
    await turn();
    expect(live.stateCached).toBe(false);
    expect(fresh()).toEqual([1]);
    expect(live.stateCompact).toBe(true);
  });

  it('re-encodes the cached state once the doc has been quiet for a while', async () => {
    const { live, clock } = await liveDoc(undefined, 20);
    const sender = fakePeer();
    live.addPeer(sender);
    const a = author(801);
    a.type('quiet soon');
    live.receive(sender, a.frames[0]!);
    await turn();
    expect(live.stateCompact).toBe(false);
    // Another update restarts the quiet period.
    clock.advance(15);
    a.type('!');
    live.receive(sender, a.frames[1]!);
    await turn();
    clock.advance(15);
    expect(live.stateCompact).toBe(false);
    clock.advance(5);
    expect(live.stateCompact).toBe(true);
  });

  it('applies the update frames of one turn, from many senders, in one transaction: one append; a bad frame closes only its sender', async () => {
    const { live, handle, metrics, watcher, writers, peers } = await writersRoom([901, 902, 903]);
    let updateEvents = 0;
    live.doc.on('update', () => updateEvents++);
    writers.forEach((w, i) => {
      w.type(`writer ${i} `);
      w.type('again ');
    });
    live.receive(peers[0]!, writers[0]!.frames[0]!);
    live.receive(peers[1]!, Uint8Array.from([MESSAGE_SYNC, 2, 3, 1, 2, 3])); // not a Yjs update
    live.receive(peers[1]!, writers[1]!.frames[0]!); // after its bad frame: not applied
    live.receive(peers[2]!, writers[2]!.frames[0]!);
    live.receive(peers[0]!, writers[0]!.frames[1]!);
    live.receive(peers[2]!, writers[2]!.frames[1]!);
    expect(handle.appends).toBe(0); // nothing applied before the end of the turn
    await turn();
    expect(updateEvents).toBe(1);
    expect(handle.appends).toBe(1);
    expect(metrics.applied).toBe(4);
    expect(peers.map((p) => p.closedWith)).toEqual([null, CloseCode.BAD_MESSAGE, null]);
    expect(live.doc.getText('t').toString()).toContain('writer 0 again ');
    expect(live.doc.getText('t').toString()).toContain('writer 2 again ');
    expect(live.doc.getText('t').toString()).not.toContain('writer 1');
    const replica = new Y.Doc();
    for (const update of watcher.updates()) Y.applyUpdate(replica, update);
    expect(replica.getText('t').toString()).toBe(live.doc.getText('t').toString());
  });

  it('answers a step 1 with every update received before it, and keeps the updates of a peer that left at once', async () => {
    const { live, handle } = await liveDoc();
    const writer = fakePeer();
    live.addPeer(writer);
    const a = author(951);
    a.type('saved before the question');
    live.receive(writer, a.frames[0]!);
    // The client asks "what am I missing?" right after its edit: the answer reflects the edit.
    const asking = fakePeer();
    live.addPeer(asking);
    asking.messages.length = 0;
    live.receive(asking, step1(Y.encodeStateVector(new Y.Doc())));
    const replica = new Y.Doc();
    for (const message of asking.messages.filter((m) => classifyFrame(m).startsWith('sync-'))) Y.applyUpdate(replica, payload(message));
    expect(replica.getText('t').toString()).toBe('saved before the question');
    a.type(', and one sent just before leaving');
    live.receive(writer, a.frames[1]!);
    live.removePeer(writer);
    expect(handle.disk.getText('t').toString()).toBe(a.doc.getText('t').toString());
  });
});
