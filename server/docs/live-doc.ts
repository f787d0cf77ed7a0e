/**
 * One loaded session doc: its Y.Doc, awareness and peers. Every update is appended to the doc's
 * log before it is relayed to anyone (durable first, then visible); a failed append stops the doc
 * from accepting edits and tells its peers, and the in-memory state is kept.
 *
 * Incoming (issue #7): the update frames read in one event-loop turn are applied in one Yjs
 * transaction at its end, so they make one update, one log append and one relay entry.
 *
 * Broadcast (issue #7): updates and awareness changes are not relayed one by one. Each appended
 * update and each changed presence is queued, and one flush (after broadcastDelayMs, or on the next
 * event-loop turn; everything read from the sockets meanwhile is coalesced) sends every peer
 * at most one update message (the queued updates merged with Y.mergeUpdates, encoded once, the
 * same buffer for everyone) and one awareness message. With N peers and k edits in a turn that is
 * N sends instead of k·N. A fresh client (every page load) gets sync step 2 from a cached encoded
 * state, preceded by the updates since merged into one (the tail), instead of a re-encoding of the
 * whole doc (~70 ms for a 100,000-edit doc). The tail goes first so that step 2, after which a
 * y-websocket client calls itself synced, completes the state. Past a short tail the cache is
 * dropped (the next fresh client re-encodes) and it is refilled once the doc is quiet.
 *
 * Cluster mode (issue #8): appends resolve once the update is in Redis, and an update is relayed
 * (or sent in a fresh client's sync step 2) only after that. Updates and presence of other
 * instances arrive through the doc bus with REMOTE_ORIGIN: relayed here, never stored again.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode } from '../../shared/protocol.ts';
import { classifyFrame, isEmptyStateVector } from '../../shared/wire.ts';
import { REMOTE_ORIGIN, type DocBus, type DocHandle } from '../storage/doc-store-port.ts';
import { NO_DOC_METRICS, type DocMetrics } from './doc-metrics.ts';
import type { DecodedUpdate, UpdateGuard } from './schema-guard.ts';
import type { PeerSocket } from './peer.ts';
import type { Logger } from '../logger.ts';
import { PresenceBudget } from './presence-budget.ts';
import { acceptPresence } from './presence-policy.ts';
import { filterRemotePresence } from './remote-presence.ts';
import {
  encodeAwareness,
  encodeSyncStep1,
  encodeUpdate,
  handleFrame,
  ProtocolError,
  type AwarenessEntry,
  type FramePolicy,
} from './sync-handler.ts';

/** Per-doc limits (issue #6); every one is optional and unlimited when left out. */
export interface LiveDocLimits {
  /** Largest encoded Yjs state; an update that would pass it is refused with 4413. */
  maxDocBytes: number;
  /** Largest awareness state of one client (JSON bytes); more closes the sender with 1009. */
  maxAwarenessStateBytes: number;
  /** Awareness client ids one peer may own; more closes it with 4429. */
  maxAwarenessIdsPerConnection: number;
  /** Full-state requests (sync step 1, awareness query) one peer may send per minute; more: 4429. */
  maxSyncRequestsPerMinute: number;
  /** Longest `user.name` relayed in presence, in characters (issue #13); longer names are cut. */
  maxPresenceNameChars: number;
  /** Presence states of this doc's connections; a new one past it is not applied (issue #13). */
  maxPresenceStatesPerDoc: number;
  /** Their JSON bytes together; a state that would pass it is not applied (issue #13). */
  maxPresenceBytesPerDoc: number;
}

/** Told, once an update frame of `peer` was applied, the Yjs client ids whose content it carried. */
export type WriteListener = (peer: PeerSocket, clientIds: readonly number[]) => void;

export interface LiveDocOptions {
  /** Compact once the current log passes this many bytes. */
  compactLogBytes: number;
  log: Logger;
  limits?: Partial<LiveDocLimits>;
  /** An upper bound of the loaded state's encoded size (e.g. the bytes read from disk). */
  loadedBytes?: number;
  metrics?: DocMetrics;
  /** Re-encode the full state for fresh clients once the doc has had no update this long. */
  stateWarmMs?: number;
  /** Wait this long after the first queued change before flushing, so that more changes share
   *  one write per peer; 0 flushes on the next event-loop turn. */
  broadcastDelayMs?: number;
  /** Cluster mode: the link to the other instances. */
  bus?: DocBus;
  /** What clients may write (the doc's schema); every update is checked before it is applied. */
  guard?: UpdateGuard;
}

const DEFAULT_STATE_WARM_MS = 2000;
/** Updates kept after the cached state. Merging the tail grows faster than linearly (200 scattered
 *  updates ~2 ms, 1,000 ~20 ms) while encoding costs ~45 µs per KiB of state: a small doc keeps a
 *  few updates, a large one up to 200. */
const MAX_STATE_TAIL = 200;
const STATE_BYTES_PER_TAIL_UPDATE = 64;
const MIN_STATE_TAIL = 16;

export function maxStateTail(stateBytes: number): number {
  return Math.min(MAX_STATE_TAIL, Math.max(MIN_STATE_TAIL, Math.floor(stateBytes / STATE_BYTES_PER_TAIL_UPDATE)));
}

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

/** An update frame received and not applied yet. */
interface IncomingUpdate {
  peer: PeerSocket;
  frame: Uint8Array;
  policy: FramePolicy;
}

/** The origin of the transaction that applied the update frames of one turn (of one or more peers). */
class UpdateBatch {
  readonly senders = new Set<PeerSocket>();
  /** Frames applied (a failed one is not). */
  frames = 0;
}

/** An update waiting to be relayed: `stored` once it is durable (at once in embedded mode). */
interface PendingUpdate {
  update: Uint8Array;
  origin: unknown;
  stored: boolean;
}

export class LiveDoc {
  readonly sessionId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  #handle: DocHandle;
  #options: LiveDocOptions;
  #peers = new Map<PeerSocket, PeerState>();
  #storageError: Error | null = null;
  #compaction: Promise<void> | null = null;
  #limits: LiveDocLimits;
  /** Upper bound of the encoded state's size: exact after a compaction, plus accepted updates. */
  #docBytes: number;
  #awarenessOwners = new Map<number, PeerSocket>();
  /** Presence client ids of other instances' clients (cluster mode), as last announced there. */
  #remoteIds = new Set<number>();
  #metrics: DocMetrics;
  /** Updates not relayed yet, in order, with the peer each came from. */
  #pendingUpdates: PendingUpdate[] = [];
  /** Awareness client ids changed since the last flush. */
  #pendingAwareness = new Set<number>();
  /** Of those, the ids changed by local peers (published to the other instances). */
  #pendingLocalAwareness = new Set<number>();
  #bus: DocBus | null;
  #flushScheduled = false;
  /** An encoded state of the doc that, with the tail applied after it, is the doc's full state. */
  #stateCache: Uint8Array | null = null;
  #stateTail: Uint8Array[] = [];
  /** The tail merged into one update, until the next update. */
  #mergedTail: Uint8Array | null = null;
  /** Refills the cache once the doc is quiet, so that the next fresh client does not wait for the
   *  encoding (~150 ms for a 100,000-edit doc). */
  #stateWarmer: NodeJS.Timeout | null = null;
  /** Update frames received in this event-loop turn, applied together at its end. */
  #incoming: IncomingUpdate[] = [];
  /** Set by #stateAsUpdate while a frame is handled: the tail to send before the step 2 reply. */
  #replyTail: Uint8Array | null = null;
  #presenceBudget: PresenceBudget;
  #writeListeners: WriteListener[] = [];

  constructor(sessionId: string, doc: Y.Doc, handle: DocHandle, options: LiveDocOptions) {
    this.sessionId = sessionId;
    this.doc = doc;
    this.#handle = handle;
    this.#options = options;
    this.#limits = {
      maxDocBytes: options.limits?.maxDocBytes ?? Number.POSITIVE_INFINITY,
      maxAwarenessStateBytes: options.limits?.maxAwarenessStateBytes ?? Number.POSITIVE_INFINITY,
      maxAwarenessIdsPerConnection: options.limits?.maxAwarenessIdsPerConnection ?? Number.POSITIVE_INFINITY,
      maxSyncRequestsPerMinute: options.limits?.maxSyncRequestsPerMinute ?? Number.POSITIVE_INFINITY,
      maxPresenceNameChars: options.limits?.maxPresenceNameChars ?? Number.POSITIVE_INFINITY,
      maxPresenceStatesPerDoc: options.limits?.maxPresenceStatesPerDoc ?? Number.POSITIVE_INFINITY,
      maxPresenceBytesPerDoc: options.limits?.maxPresenceBytesPerDoc ?? Number.POSITIVE_INFINITY,
    };
    this.#presenceBudget = new PresenceBudget({ maxStates: this.#limits.maxPresenceStatesPerDoc, maxBytes: this.#limits.maxPresenceBytesPerDoc });
    this.#docBytes = options.loadedBytes ?? Y.encodeStateAsUpdate(doc).length;
    this.#metrics = options.metrics ?? NO_DOC_METRICS;
    this.awareness = new awarenessProtocol.Awareness(doc);
    // The server is not a participant: it must not appear in anyone's presence list.
    this.awareness.setLocalState(null);
    doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    this.#bus = options.bus ?? null;
    this.#bus?.onRemoteUpdates(this.#applyRemoteUpdates);
    this.#bus?.onRemoteAwareness(this.#applyRemoteAwareness);
    this.#bus?.onAwarenessQuery(() => {
      const ids = this.#localAwarenessIds();
      if (ids.length > 0) this.#bus?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
    });
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
    return this.#storageError;
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
        filterAwareness: (entries) => this.#filterAwareness(peer, ownedIds, entries),
      },
      syncRequests: { windowStart: Date.now(), count: 0 },
      writing: null,
    };
    this.#peers.set(peer, state);
    peer.send(encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) peer.send(encodeAwareness(this.awareness, states));
  }

  /** Handles one frame from `peer`; a malformed frame closes that peer only. Updates are applied
   *  at the end of the event-loop turn, all received in it in one transaction (see #applyIncoming);
   *  a sync step 1 first applies the updates received before it, so that its answer has them.
   *  Presence does not depend on the doc and is applied at once. */
  receive(peer: PeerSocket, frame: Uint8Array): void {
    const state = this.#peers.get(peer);
    if (!state) return;
    if (this.#storageError) {
      this.#dropPeer(peer, CloseCode.STORAGE_UNAVAILABLE, 'storage unavailable: your edits are kept on your device');
      return;
    }
    const kind = classifyFrame(frame);
    if (kind === 'sync-step2' || kind === 'sync-update') {
      this.#incoming.push({ peer, frame, policy: state.policy });
      if (this.#incoming.length === 1) setImmediate(this.#applyIncoming);
      return;
    }
    if (kind === 'sync-step1') {
      this.#applyIncoming();
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
      const storing = messages ? this.#handle.pendingWrites?.() : null;
      if (storing) storing.then(() => this.#peers.has(peer) && sendAll(peer, messages!), () => undefined);
      else if (messages) sendAll(peer, messages);
    } catch (error) {
      this.#frameFailed(peer, error);
    }
  }

  /** Forgets a peer and removes its presence for everyone. */
  removePeer(peer: PeerSocket): void {
    // What it sent before it left is kept.
    this.#applyIncoming();
    const state = this.#peers.get(peer);
    if (!state) return;
    this.#peers.delete(peer);
    for (const id of state.ownedIds) {
      this.#awarenessOwners.delete(id);
      // Also for a state Awareness never applied (e.g. clock 0), which no removal event reports.
      this.#presenceBudget.remove(id);
    }
    const ids = new Set([...state.awarenessIds, ...state.ownedIds]);
    if (ids.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...ids], null);
  }

  /** Closes every peer with `code` (e.g. on shutdown). */
  closeAllPeers(code: number, reason: string): void {
    this.#applyIncoming();
    for (const peer of [...this.#peers.keys()]) this.#dropPeer(peer, code, reason);
  }

  /** Writes a snapshot of the current state and starts a new log (one at a time). */
  compact(): Promise<void> {
    this.#applyIncoming();
    if (this.#compaction) return this.#compaction;
    const state = this.#fullState();
    this.#docBytes = state.length;
    const compaction = this.#handle.compact(state).then(
      () => {
        this.#compaction = null;
        if (this.#storageError) {
          this.#options.log.info({ sessionId: this.sessionId }, 'storage works again; accepting edits');
          this.#storageError = null;
        }
      },
      (error: unknown) => {
        this.#compaction = null;
        throw error;
      },
    );
    this.#compaction = compaction;
    return compaction;
  }

  /** Stores the state as a snapshot, syncs, and releases files and memory. Rejects (and keeps the
   *  doc usable) when the snapshot cannot be written. */
  async close(): Promise<void> {
    await this.compact();
    await this.#handle.close();
    if (this.#stateWarmer) clearTimeout(this.#stateWarmer);
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** True while a fresh client would be answered from the cached state (for tests and metrics). */
  get stateCached(): boolean {
    return this.#stateCache !== null;
  }

  /** True when that cached state needs no tail (it was re-encoded since the last update). */
  get stateCompact(): boolean {
    return this.#stateCache !== null && this.#stateTail.length === 0;
  }

  /** Remembers what the doc was just loaded from (a snapshot, then the updates logged after it) as
   *  its full state, so the first fresh clients need no encoding. */
  cacheState(state: Uint8Array, tail: readonly Uint8Array[] = []): void {
    if (tail.length > maxStateTail(state.length)) return;
    this.#stateCache = state;
    this.#stateTail = [...tail];
    this.#mergedTail = null;
  }

  /** Flushes pending fdatasyncs. */
  flush(): Promise<void> {
    return this.#handle.flush();
  }

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const pending: PendingUpdate = { update, origin, stored: true };
    if (origin !== REMOTE_ORIGIN) {
      const started = performance.now();
      let storing: void | Promise<void>;
      try {
        storing = this.#handle.append(update);
      } catch (error) {
        this.#failStorage(error as Error);
        return;
      }
      if (storing) {
        // In Redis only once the promise resolves: relayed by the flush that follows.
        pending.stored = false;
        storing.then(
          () => {
            this.#metrics.storeWrite((performance.now() - started) / 1000);
            pending.stored = true;
            this.#scheduleFlush();
          },
          (error: unknown) => this.#failStorage(error as Error),
        );
      } else this.#metrics.storeWrite((performance.now() - started) / 1000);
      // Counted where it came in from a client, not again on every instance that relays it.
      this.#metrics.updateApplied(update.length, origin instanceof UpdateBatch ? origin.frames : 1);
    }
    // Durable from here on (or relayed only once it is): now it may be queued for relaying.
    if (this.#stateCache) {
      this.#stateTail.push(update);
      this.#mergedTail = null;
      // Too long to merge cheaply: the next fresh client (or the quiet-doc warmer) re-encodes.
      if (this.#stateTail.length > maxStateTail(this.#stateCache.length)) this.#dropState();
    }
    if (this.#stateWarmer) this.#stateWarmer.refresh();
    else {
      this.#stateWarmer = setTimeout(() => this.#fullState(), this.#options.stateWarmMs ?? DEFAULT_STATE_WARM_MS);
      this.#stateWarmer.unref();
    }
    this.#pendingUpdates.push(pending);
    if (pending.stored) this.#scheduleFlush();
    if (this.#handle.logBytes > this.#options.compactLogBytes && !this.#compaction) {
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
    for (const id of removed) this.#presenceBudget.remove(id);
    const changed = [...added, ...updated, ...removed];
    for (const id of changed) this.#pendingAwareness.add(id);
    if (this.#bus && origin !== REMOTE_ORIGIN) for (const id of changed) this.#pendingLocalAwareness.add(id);
    this.#metrics.awarenessApplied();
    this.#scheduleFlush();
  };

  /** Applies the update frames received since the last call in one transaction: one 'update'
   *  event, one log append and one state-vector pass for all of them. Yjs's per-transaction work
   *  grows with the number of clients a doc has seen, so with hundreds of authors this is most of
   *  the cost of an update. A frame that fails closes its sender only; the others are applied. */
  #applyIncoming = (): void => {
    const batch = this.#incoming;
    if (batch.length === 0) return;
    this.#incoming = [];
    // Every peer was closed: their edits are kept on their devices.
    if (this.#storageError) return;
    const failed = new Map<PeerSocket, unknown>();
    const origin = new UpdateBatch();
    this.doc.transact(() => {
      for (const { peer, frame, policy } of batch) {
        if (failed.has(peer)) continue;
        try {
          handleFrame(frame, this.doc, this.awareness, origin, policy);
          origin.senders.add(peer);
          origin.frames++;
          this.#reportWrite(peer);
        } catch (error) {
          failed.set(peer, error);
        }
      }
    }, origin);
    for (const [peer, error] of failed) this.#frameFailed(peer, error);
  };

  #frameFailed(peer: PeerSocket, error: unknown): void {
    const protocolError = error instanceof ProtocolError ? error : null;
    if (!protocolError) this.#options.log.error({ err: error, sessionId: this.sessionId }, 'frame handling failed');
    this.#dropPeer(peer, protocolError?.closeCode ?? CloseCode.BAD_MESSAGE, truncateReason((error as Error).message));
  }

  #allowSyncRequest(state: PeerState): boolean {
    const now = Date.now();
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
    const max = this.#limits.maxDocBytes;
    if (this.#docBytes + update.length > max) {
      // The running sum over-counts (re-sent and deleted content); measure before refusing.
      this.#docBytes = Y.encodeStateAsUpdate(this.doc).length;
      if (this.#docBytes + update.length > max) {
        throw new ProtocolError(`doc too large: ${this.#docBytes} bytes stored, update of ${update.length} would pass the limit of ${max}`, CloseCode.DOC_TOO_LARGE);
      }
    }
    this.#docBytes += update.length;
  }

  /** Tells the write listeners what the update frame `peer` just had applied carried. */
  #reportWrite(peer: PeerSocket): void {
    const state = this.#peers.get(peer);
    const ids = state?.writing;
    if (!state || !ids) return;
    state.writing = null;
    if (ids.length > 0) for (const listener of this.#writeListeners) listener(peer, ids);
  }

  /** A peer may set awareness only for client ids it claimed first (not the server's own), each
   *  state at most maxAwarenessStateBytes. Entries for ids another peer owns are dropped, and so
   *  are states past the doc's presence caps. Fields that reach CSS are checked (presence-policy). */
  #filterAwareness(peer: PeerSocket, owned: Set<number>, entries: AwarenessEntry[]): AwarenessEntry[] {
    const allowed: AwarenessEntry[] = [];
    for (const entry of entries) {
      const { clientId } = entry;
      if (clientId === this.awareness.clientID) continue;
      const owner = this.#awarenessOwners.get(clientId);
      if (owner !== undefined && owner !== peer) continue;
      // A client of another instance: only that instance speaks for it (the stock provider echoes
      // every presence it hears back to the server; an echo must not claim the id or remove it).
      if (owner === undefined && this.#remoteIds.has(clientId)) continue;
      const bytes = Buffer.byteLength(entry.stateJson, 'utf8');
      if (bytes > this.#limits.maxAwarenessStateBytes) {
        throw new ProtocolError(`awareness state of ${bytes} bytes exceeds the limit of ${this.#limits.maxAwarenessStateBytes}`, CloseCode.MESSAGE_TOO_LARGE);
      }
      let accepted = entry;
      let stateBytes = 0;
      if (entry.stateJson !== 'null') {
        const verdict = acceptPresence(entry.stateJson, { maxNameChars: this.#limits.maxPresenceNameChars });
        if (!verdict.ok) throw new ProtocolError(`invalid awareness state: ${verdict.reason}`);
        if (verdict.changed) accepted = { ...entry, stateJson: verdict.stateJson };
        stateBytes = verdict.changed ? Buffer.byteLength(verdict.stateJson, 'utf8') : bytes;
        if (!this.#presenceBudget.fits(clientId, stateBytes)) continue;
      }
      if (entry.stateJson === 'null') {
        // The client left on its own: the id is free again.
        if (owner === peer) {
          this.#awarenessOwners.delete(clientId);
          owned.delete(clientId);
        }
      } else if (owner === undefined) {
        if (owned.size >= this.#limits.maxAwarenessIdsPerConnection) {
          throw new ProtocolError(`more than ${this.#limits.maxAwarenessIdsPerConnection} awareness client ids on one connection`, CloseCode.RATE_LIMITED);
        }
        this.#awarenessOwners.set(clientId, peer);
        owned.add(clientId);
      }
      if (entry.stateJson !== 'null') this.#presenceBudget.set(clientId, stateBytes);
      allowed.push(accepted);
    }
    return allowed;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    const delay = this.#options.broadcastDelayMs ?? 0;
    if (delay > 0) setTimeout(this.#flush, delay);
    else setImmediate(this.#flush);
  }

  /** Sends what was queued since the last flush: one update message and one awareness message,
   *  each encoded once and handed to every peer. */
  #flush = (): void => {
    this.#flushScheduled = false;
    // Updates still on their way to Redis wait for the flush their write schedules.
    const updates: Uint8Array[] = [];
    const origins = new Set<unknown>();
    const waiting: PendingUpdate[] = [];
    for (const pending of this.#pendingUpdates) {
      if (!pending.stored) waiting.push(pending);
      else {
        updates.push(pending.update);
        if (pending.origin instanceof UpdateBatch) for (const sender of pending.origin.senders) origins.add(sender);
        else origins.add(pending.origin);
      }
    }
    const awarenessIds = this.#pendingAwareness;
    this.#pendingUpdates = waiting;
    this.#pendingAwareness = new Set();
    if (this.#pendingLocalAwareness.size > 0) {
      this.#bus?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.#pendingLocalAwareness]));
      this.#pendingLocalAwareness = new Set();
    }
    // With a storage error every peer was closed; with no peers there is nobody to tell.
    if (this.#storageError || this.#peers.size === 0) return;
    let update: Uint8Array | null = null;
    let skip: unknown;
    if (updates.length > 0) {
      update = encodeUpdate(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
      // A single sender already has what it sent; with several, each gets the merged update,
      // its own part included (Yjs skips what it already has).
      if (origins.size === 1) skip = origins.values().next().value;
    }
    const presence = awarenessIds.size > 0 ? encodeAwareness(this.awareness, [...awarenessIds]) : null;
    // Two message lists, built once and handed to every peer as they are (the edge frames each
    // list once for everyone): the sender skips its own update.
    const forEveryone = [update, presence].filter((m): m is Uint8Array => m !== null);
    const forSender = presence ? [presence] : [];
    let updatesSent = 0;
    for (const peer of this.#peers.keys()) {
      const messages = peer === skip ? forSender : forEveryone;
      if (messages.length === 0) continue;
      if (peer.sendBatch) peer.sendBatch(messages);
      else for (const message of messages) peer.send(message);
      if (update && peer !== skip) updatesSent++;
    }
    if (update) this.#metrics.sent('update', updatesSent, update.length);
    if (presence) this.#metrics.sent('awareness', this.#peers.size, presence.length);
    this.#metrics.flushed(updates.length, awarenessIds.size);
  };

  /** Sync step 2 for a client's state vector: a fresh client (the common case: every page load)
   *  gets the cached state, and the tail after it in `#replyTail`, instead of a re-encoding. */
  #stateAsUpdate = (stateVector: Uint8Array): Uint8Array => {
    if (!isEmptyStateVector(stateVector)) return Y.encodeStateAsUpdate(this.doc, stateVector);
    if (!this.#stateCache) this.#reencodeState();
    if (this.#stateTail.length > 0) this.#replyTail = this.#mergedTail ??= Y.mergeUpdates(this.#stateTail);
    return this.#stateCache!;
  };

  /** Updates other instances stored: applied as one transaction, relayed, not stored again. */
  #applyRemoteUpdates = (updates: Uint8Array[]): void => {
    this.doc.transact(() => {
      // One by one (issue #13): an update that fails is logged and skipped, the others applied.
      for (const update of updates) {
        try {
          Y.applyUpdate(this.doc, update);
          this.#docBytes += update.length;
        } catch (error) {
          this.#options.log.warn({ err: error, sessionId: this.sessionId }, 'skipped an update from another instance that failed to apply');
        }
      }
    }, REMOTE_ORIGIN);
  };

  /** Presence from another instance, through the local filters (size, ownership). */
  #applyRemoteAwareness = (update: Uint8Array): void => {
    const filtered = filterRemotePresence(update, {
      maxAwarenessStateBytes: this.#limits.maxAwarenessStateBytes,
      isLocalId: (clientId) => clientId === this.awareness.clientID || this.#awarenessOwners.has(clientId),
    });
    if (filtered.dropped > 0) this.#options.log.warn({ sessionId: this.sessionId, dropped: filtered.dropped }, 'dropped presence entries from another instance (too large, or a local client id)');
    for (const entry of filtered.kept) {
      if (entry.stateJson === 'null') this.#remoteIds.delete(entry.clientId);
      else this.#remoteIds.add(entry.clientId);
    }
    if (filtered.update) awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered.update, REMOTE_ORIGIN);
  };

  /** Awareness client ids of the peers connected to this instance. */
  #localAwarenessIds(): number[] {
    const ids = new Set<number>();
    for (const state of this.#peers.values()) for (const id of [...state.awarenessIds, ...state.ownedIds]) ids.add(id);
    return [...ids].filter((id) => this.awareness.getStates().has(id));
  }

  /** The full state as one update (compaction, the quiet-doc warmer): re-encoded if there is a tail. */
  #fullState(): Uint8Array {
    if (!this.#stateCache || this.#stateTail.length > 0) this.#reencodeState();
    return this.#stateCache!;
  }

  #reencodeState(): void {
    this.#stateCache = Y.encodeStateAsUpdate(this.doc);
    this.#stateTail = [];
    this.#mergedTail = null;
  }

  #dropState(): void {
    this.#stateCache = null;
    this.#stateTail = [];
    this.#mergedTail = null;
  }

  #failStorage(error: Error): void {
    // The update stays in memory (and on the sender's device); nobody is told it was saved.
    this.#storageError = error;
    this.#options.log.error({ err: error, sessionId: this.sessionId }, 'update could not be written; doc stops accepting edits');
    this.closeAllPeers(CloseCode.STORAGE_UNAVAILABLE, 'storage unavailable: your edits are kept on your device');
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

/** WebSocket close reasons are limited to 123 bytes. */
export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  return bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD*$/, '') + '...';
}
