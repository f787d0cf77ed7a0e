// Over ~350 lines: the glue of the doc's collaborators and its public API, kept in one place.
/**
 * One loaded session doc: its Y.Doc, awareness and peers, and the glue between the collaborators
 * that do the work (each in its own module, each with its issue's reasoning):
 *
 *   inbound-batch.ts     update frames of one event-loop turn → one transaction (issue #7)
 *   durable-log.ts       every update appended before it is relayed; a failed append stops edits
 *   broadcaster.ts       queued updates and presence → one message each per peer per flush
 *   fresh-state-cache.ts sync step 2 for fresh clients from a cached encoding plus a short tail
 *   presence-owners.ts   who may set which presence, and presence of other instances (issue #13)
 *
 * Durable first, then visible: an update is relayed (or sent in a fresh client's sync step 2)
 * only once it is in the log. Cluster mode (issue #8): appends resolve once the update is in
 * Redis; updates and presence of other instances arrive through the doc bus with REMOTE_ORIGIN:
 * relayed here, never stored again.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode } from '../../shared/protocol.ts';
import { classifyFrame, type AwarenessEntry } from '../../shared/wire.ts';
import { REMOTE_ORIGIN, type DocBus, type DocHandle } from '../storage/doc-store-port.ts';
import { Broadcaster, type PendingUpdate } from './broadcaster.ts';
import { systemClock, type Clock } from './clock.ts';
import { NO_DOC_METRICS, type DocMetrics } from './doc-metrics.ts';
import { followCluster } from './cluster-link.ts';
import { DocSize } from './doc-size.ts';
import { DurableLog } from './durable-log.ts';
import { FreshStateCache } from './fresh-state-cache.ts';
import { InboundBatch, UpdateBatch } from './inbound-batch.ts';
import { limitsOf, type LiveDocLimits, type LiveDocOptions, type WriteListener } from './live-doc-options.ts';
import { truncateReason, type PeerSocket } from './peer.ts';
import { PresenceOwners } from './presence-owners.ts';
import type { DecodedUpdate } from './schema-guard.ts';
import { encodeAwareness, encodeSyncStep1, encodeUpdate, handleFrame, ProtocolError, type FramePolicy } from './sync-handler.ts';

export { maxStateTail } from './fresh-state-cache.ts';
export type { LiveDocLimits, LiveDocOptions, WriteListener } from './live-doc-options.ts';
export { truncateReason } from './peer.ts';

const DEFAULT_STATE_WARM_MS = 2000;
const STORAGE_UNAVAILABLE_REASON = 'storage unavailable: your edits are kept on your device';

interface PeerState {
  /** Awareness client ids this peer announced; removed for everyone when it leaves. */
  awarenessIds: Set<number>;
  /** Awareness client ids this peer claimed first; nobody else may set their state (issue #6). */
  ownedIds: Set<number>;
  policy: FramePolicy;
  /** Full-state requests in the current one-minute window. */
  syncRequests: { windowStart: number; count: number };
  /** Client ids with content in the update frame being applied (reported once it was). */
  writing: number[] | null;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

export class LiveDoc {
  readonly sessionId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  #options: LiveDocOptions;
  #clock: Clock;
  #peers = new Map<PeerSocket, PeerState>();
  #limits: LiveDocLimits;
  #docSize: DocSize;
  #metrics: DocMetrics;
  #bus: DocBus | null;
  #log: DurableLog;
  #inbound: InboundBatch;
  #broadcaster: Broadcaster;
  #stateCache: FreshStateCache;
  #presence: PresenceOwners;
  /** Set while a frame is handled: the tail to send before the step 2 reply. */
  #replyTail: Uint8Array | null = null;
  #writeListeners: WriteListener[] = [];

  constructor(sessionId: string, doc: Y.Doc, handle: DocHandle, options: LiveDocOptions) {
    this.sessionId = sessionId;
    this.doc = doc;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#limits = limitsOf(options.limits);
    this.#docSize = new DocSize(doc, this.#limits.maxDocBytes, options.loadedBytes);
    this.#metrics = options.metrics ?? NO_DOC_METRICS;
    this.#bus = options.bus ?? null;
    this.awareness = new awarenessProtocol.Awareness(doc);
    // The server is not a participant: it must not appear in anyone's presence list.
    this.awareness.setLocalState(null);
    this.#log = new DurableLog(handle, {
      sessionId,
      compactLogBytes: options.compactLogBytes,
      log: options.log,
      metrics: this.#metrics,
      onFailure: () => this.closeAllPeers(CloseCode.STORAGE_UNAVAILABLE, STORAGE_UNAVAILABLE_REASON),
    });
    this.#inbound = new InboundBatch(doc, this.awareness, this.#clock, {
      // Every peer was closed: their edits are kept on their devices.
      accepting: () => !this.#log.storageError,
      applied: (peer) => this.#reportWrite(peer),
      failed: (peer, error) => this.#frameFailed(peer, error),
    });
    this.#broadcaster = new Broadcaster({
      awareness: this.awareness,
      clock: this.#clock,
      delayMs: options.broadcastDelayMs ?? 0,
      metrics: this.#metrics,
      bus: this.#bus,
      peers: () => this.#peers.keys(),
      silenced: () => this.#log.storageError !== null,
    });
    this.#stateCache = new FreshStateCache(doc, this.#clock, options.stateWarmMs ?? DEFAULT_STATE_WARM_MS);
    this.#presence = new PresenceOwners(this.awareness, this.#limits);
    doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    if (this.#bus) {
      followCluster(this.#bus, {
        sessionId,
        doc,
        awareness: this.awareness,
        docSize: this.#docSize,
        presence: this.#presence,
        log: options.log,
        localAwarenessIds: () => this.#localAwarenessIds(),
      });
    }
  }

  /** True when this instance may compact, checkpoint and build structure (always when embedded). */
  get isLeader(): boolean {
    return this.#bus?.isLeader ?? true;
  }

  /** Runs `build` (an edit the server makes, like sections of new topics) once cluster-wide: here
   *  when embedded, on the leader with every stored update applied in cluster mode. */
  async asLeader(build: () => void): Promise<boolean> {
    if (!this.#bus) {
      build();
      return true;
    }
    return this.#bus.asLeader(build);
  }

  /** Called when this instance becomes the leader of the doc (never when embedded). */
  onLeadership(listener: () => void): void {
    this.#bus?.onLeadership(listener);
  }

  /** Authorship (issue #13): `listener` learns which client ids each connection really wrote. */
  onWrite(listener: WriteListener): void {
    this.#writeListeners.push(listener);
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** Non-null once a write failed; the doc then refuses edits until storage works again. */
  get storageError(): Error | null {
    return this.#log.storageError;
  }

  /** Starts the y-websocket handshake with a new peer: sync step 1 and current presence. */
  addPeer(peer: PeerSocket): void {
    const ownedIds = new Set<number>();
    const state: PeerState = {
      awarenessIds: new Set(),
      ownedIds,
      policy: {
        checkUpdate: (update, decoded) => {
          this.#checkUpdate(update, decoded);
          state.writing = this.#writeListeners.length > 0 ? writtenClientIds(decoded) : null;
        },
        filterAwareness: (entries: AwarenessEntry[]) => this.#presence.filter(peer, ownedIds, entries),
      },
      syncRequests: { windowStart: this.#clock.now(), count: 0 },
      writing: null,
    };
    this.#peers.set(peer, state);
    peer.send(encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) peer.send(encodeAwareness(this.awareness, states));
  }

  /** Handles one frame from `peer`; a malformed frame closes that peer only. Updates are applied
   *  at the end of the event-loop turn, all received in it in one transaction (InboundBatch);
   *  a sync step 1 first applies the updates received before it, so that its answer has them.
   *  Presence does not depend on the doc and is applied at once. */
  receive(peer: PeerSocket, frame: Uint8Array): void {
    const state = this.#peers.get(peer);
    if (!state) return;
    if (this.#log.storageError) {
      this.#dropPeer(peer, CloseCode.STORAGE_UNAVAILABLE, STORAGE_UNAVAILABLE_REASON);
      return;
    }
    const kind = classifyFrame(frame);
    if (kind === 'sync-step2' || kind === 'sync-update') {
      this.#inbound.push(peer, frame, state.policy);
      return;
    }
    if (kind === 'sync-step1') {
      this.#inbound.apply();
      if (!this.#peers.has(peer)) return;
    }
    // Each is answered with the whole doc or all presence.
    if ((kind === 'sync-step1' || kind === 'query-awareness') && !this.#allowSyncRequest(state)) {
      this.#dropPeer(peer, CloseCode.RATE_LIMITED, `rate limit: more than ${this.#limits.maxSyncRequestsPerMinute} full-state requests per minute`);
      return;
    }
    try {
      this.#replyTail = null;
      const { reply } = handleFrame(frame, this.doc, this.awareness, peer, state.policy, this.#stateAsUpdate);
      // A step 2 from the cached state comes after the updates since.
      const messages = reply ? (this.#replyTail ? [encodeUpdate(this.#replyTail), reply] : [reply]) : null;
      // Step 2 may hold updates still on their way to Redis: it waits for them like a relay does.
      const storing = messages ? this.#log.pendingWrites() : null;
      if (storing) storing.then(() => this.#peers.has(peer) && sendAll(peer, messages!), () => undefined);
      else if (messages) sendAll(peer, messages);
    } catch (error) {
      this.#frameFailed(peer, error);
    }
  }

  /** Forgets a peer and removes its presence for everyone. */
  removePeer(peer: PeerSocket): void {
    // What it sent before it left is kept.
    this.#inbound.apply();
    const state = this.#peers.get(peer);
    if (!state) return;
    this.#peers.delete(peer);
    this.#presence.release(state.ownedIds);
    const ids = new Set([...state.awarenessIds, ...state.ownedIds]);
    if (ids.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...ids], null);
  }

  /** Closes every peer with `code` (e.g. on shutdown). */
  closeAllPeers(code: number, reason: string): void {
    this.#inbound.apply();
    for (const peer of [...this.#peers.keys()]) this.#dropPeer(peer, code, reason);
  }

  /** Writes a snapshot of the current state and starts a new log (one at a time). */
  compact(): Promise<void> {
    this.#inbound.apply();
    return this.#log.compact(() => {
      const state = this.#stateCache.full();
      this.#docSize.reset(state.length);
      return state;
    });
  }

  /** Stores the state as a snapshot, syncs, and releases files and memory. Rejects (and keeps the
   *  doc usable) when the snapshot cannot be written. */
  async close(): Promise<void> {
    await this.compact();
    await this.#log.close();
    this.#stateCache.stop();
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** True while a fresh client would be answered from the cached state (for tests and metrics). */
  get stateCached(): boolean {
    return this.#stateCache.cached;
  }

  /** True when that cached state needs no tail (it was re-encoded since the last update). */
  get stateCompact(): boolean {
    return this.#stateCache.compact;
  }

  /** Remembers what the doc was just loaded from (a snapshot, then the updates logged after it) as
   *  its full state, so the first fresh clients need no encoding. */
  cacheState(state: Uint8Array, tail: readonly Uint8Array[] = []): void {
    this.#stateCache.load(state, tail);
  }

  /** Flushes pending fdatasyncs. */
  flush(): Promise<void> {
    return this.#log.flush();
  }

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const pending: PendingUpdate = { update, origin, stored: true };
    if (origin !== REMOTE_ORIGIN) {
      if (!this.#log.append(pending, () => this.#broadcaster.schedule())) return;
      // Counted where it came in from a client, not again on every instance that relays it.
      this.#metrics.updateApplied(update.length, origin instanceof UpdateBatch ? origin.frames : 1);
    }
    // Durable from here on (or relayed only once it is): now it may be queued for relaying.
    this.#stateCache.updated(update);
    this.#broadcaster.queueUpdate(pending);
    if (this.#log.wantsCompaction) {
      this.compact().catch((error: unknown) => {
        this.#options.log.error({ err: error, sessionId: this.sessionId }, 'compaction failed; the log is kept');
      });
    }
  };

  #onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const owner = this.#peers.get(origin as PeerSocket);
    if (owner) {
      for (const id of added) owner.awarenessIds.add(id);
      for (const id of removed) owner.awarenessIds.delete(id);
    }
    this.#presence.removed(removed);
    this.#broadcaster.queueAwareness([...added, ...updated, ...removed], origin !== REMOTE_ORIGIN);
    this.#metrics.awarenessApplied();
  };

  #frameFailed(peer: PeerSocket, error: unknown): void {
    const protocolError = error instanceof ProtocolError ? error : null;
    if (!protocolError) this.#options.log.error({ err: error, sessionId: this.sessionId }, 'frame handling failed');
    this.#dropPeer(peer, protocolError?.closeCode ?? CloseCode.BAD_MESSAGE, truncateReason((error as Error).message));
  }

  #allowSyncRequest(state: PeerState): boolean {
    const now = this.#clock.now();
    const window = state.syncRequests;
    if (now - window.windowStart >= 60_000) {
      window.windowStart = now;
      window.count = 0;
    }
    return ++window.count <= this.#limits.maxSyncRequestsPerMinute;
  }

  /** Refuses an update that writes outside the doc's schema (4400, the reason names the rule), or
   *  that would take the doc past maxDocBytes (4413). The doc is left unchanged either way. */
  #checkUpdate(update: Uint8Array, decoded: DecodedUpdate): void {
    const refusal = this.#options.guard?.(this.doc, decoded);
    if (refusal) {
      this.#metrics.updateRefused(refusal.rule);
      this.#options.log.info({ sessionId: this.sessionId, rule: refusal.rule }, 'client update refused by the schema guard');
      throw new ProtocolError(refusal.message, CloseCode.BAD_MESSAGE);
    }
    this.#docSize.admit(update);
  }

  /** Tells the write listeners what the update frame `peer` just had applied carried. */
  #reportWrite(peer: PeerSocket): void {
    const state = this.#peers.get(peer);
    const ids = state?.writing;
    if (!state || !ids) return;
    state.writing = null;
    if (ids.length > 0) for (const listener of this.#writeListeners) listener(peer, ids);
  }

  /** Sync step 2 for a client's state vector: a fresh client (the common case: every page load)
   *  gets the cached state, and the tail after it in `#replyTail`, instead of a re-encoding. */
  #stateAsUpdate = (stateVector: Uint8Array): Uint8Array => {
    const { state, tail } = this.#stateCache.answer(stateVector);
    this.#replyTail = tail;
    return state;
  };

  /** Awareness client ids of the peers connected to this instance. */
  #localAwarenessIds(): number[] {
    const ids = new Set<number>();
    for (const state of this.#peers.values()) for (const id of [...state.awarenessIds, ...state.ownedIds]) ids.add(id);
    return [...ids].filter((id) => this.awareness.getStates().has(id));
  }

  #dropPeer(peer: PeerSocket, code: number, reason: string): void {
    this.removePeer(peer);
    peer.close(code, reason);
  }
}

/** Client ids with content (items, not skips or garbage) in `update`: whose text it writes. */
function writtenClientIds(update: DecodedUpdate): number[] {
  const ids = new Set<number>();
  for (const struct of update.structs) if (struct instanceof Y.Item) ids.add(struct.id.client);
  return [...ids];
}

function sendAll(peer: PeerSocket, messages: Uint8Array[]): void {
  for (const message of messages) peer.send(message);
}
