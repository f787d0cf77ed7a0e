/**
 * The doc registry: the live docs of all open sessions. A doc is loaded once however many clients
 * arrive at the same instant (a map of loading promises), created from the session's topic
 * template inside that same load and stored before any client syncs, pinned while a caller
 * attaches, and unloaded only after it is stored; a client arriving during an unload waits for it
 * and then gets the stored state. One client's connection is doc-connection.ts; the server's own
 * edits go through `edit`.
 */
import * as Y from 'yjs';
import { AppError } from '../../shared/errors.ts';
import { CloseCode } from '../../shared/protocol.ts';
import type { DocStore } from '../storage/doc-store-port.ts';
import { systemClock, type Clock, type Timer } from './clock.ts';
import type { DocMetrics } from './doc-metrics.ts';
import { openConnection, type ConnectionHost, type PeerAccess } from './doc-connection.ts';
import { LiveDoc, maxStateTail, type LiveDocLimits } from './live-doc.ts';
import type { PeerConnection, PeerSocket } from './peer.ts';
import type { Logger } from '../logger.ts';
import type { UpdateGuard } from './schema-guard.ts';

export type { PeerAccess } from './doc-connection.ts';

/** What a kind of doc (session notes, follow-ups) looks like when the server creates it. */
export interface DocTemplate {
  /** False when there is no such session: connections are closed with 4404. */
  exists(sessionId: string): boolean;
  /** The initial state of a new doc; stored before any client syncs. */
  initialState(sessionId: string): Uint8Array;
  /** Brings a loaded doc up to date with the session (e.g. sections of topics added later). */
  reconcile(doc: Y.Doc, sessionId: string): void;
  /** What clients may write into this kind of doc: every client update passes it first. */
  guard: UpdateGuard;
}

export interface DocServiceOptions {
  compactLogBytes: number;
  docIdleUnloadMs: number;
  /** Frames a connection may send before its doc is loaded; more closes it. */
  maxQueuedFrames: number;
  /** Called once per load, before any client is attached (e.g. to follow presence). */
  onLoaded?: (live: LiveDoc) => void;
  /** Called when the last connected client of a doc left. */
  onLastPeerLeft?: (live: LiveDoc) => void;
  /** Called after a doc was stored and dropped from memory. */
  onUnloaded?: (sessionId: string) => void;
  /** Docs held in memory at once (loading, loaded or unloading); unlimited when left out. At the
   *  limit an idle doc is unloaded to make room, else the load fails with SERVER_BUSY. */
  maxLoadedDocs?: number;
  /** Limits every live doc enforces on its peers' frames. */
  docLimits?: Partial<LiveDocLimits>;
  /** See LiveDocOptions.broadcastDelayMs. */
  broadcastDelayMs?: number;
  log: Logger;
  metrics?: DocMetrics;
  /** Time and scheduling (tests pass a manual clock); the system clock when left out. */
  clock?: Clock;
}

type Entry =
  | { kind: 'loading'; promise: Promise<LiveDoc> }
  | { kind: 'ready'; doc: LiveDoc; idleTimer: Timer | null }
  | { kind: 'unloading'; promise: Promise<void> };

export class DocService {
  #store: DocStore;
  #template: DocTemplate;
  #options: DocServiceOptions;
  #entries = new Map<string, Entry>();
  /** Sessions with an acquire in flight whose caller has not attached yet: never evicted. */
  #attaching = new Map<string, number>();
  /** Per loading session, connections that may be answered from the stored bytes (see #load). */
  #awaitingLoad = new Map<string, Set<(stored: readonly Uint8Array[]) => void>>();
  #shuttingDown = false;
  #clock: Clock;
  #host: ConnectionHost;

  constructor(store: DocStore, template: DocTemplate, options: DocServiceOptions) {
    this.#store = store;
    this.#template = template;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const service = this;
    this.#host = {
      get shuttingDown() {
        return service.#shuttingDown;
      },
      exists: (sessionId) => template.exists(sessionId),
      maxQueuedFrames: options.maxQueuedFrames,
      log: options.log,
      pin: (sessionId, delta) => this.#pin(sessionId, delta),
      listenForLoad: (sessionId, answer, listen) => this.#listenForLoad(sessionId, answer, listen),
      acquire: (sessionId) => this.acquire(sessionId),
      releaseIfIdle: (sessionId) => this.#releaseIfIdle(sessionId),
      lastPeerLeft: (doc) => options.onLastPeerLeft?.(doc),
    };
  }

  /**
   * Attaches a client socket to a session. Returns synchronously so the edge can route frames
   * before the doc is loaded; they are queued and handled in order once it is.
   */
  connect(sessionId: string, socket: PeerSocket, access: PeerAccess = { canWrite: true }): PeerConnection {
    return openConnection(this.#host, sessionId, socket, access);
  }

  /** The loaded doc of a session, loading it (or waiting for a running load or unload) first. */
  async acquire(sessionId: string): Promise<LiveDoc> {
    let evicted = false;
    for (;;) {
      const entry = this.#entries.get(sessionId);
      if (!entry) {
        if (this.#entries.size < (this.#options.maxLoadedDocs ?? Number.POSITIVE_INFINITY)) break;
        const idle = evicted ? null : this.#idleEntry();
        if (!idle) throw new AppError('SERVER_BUSY', `The server holds as many sessions as it may (${this.#options.maxLoadedDocs}); try again later.`);
        evicted = true;
        this.#unload(idle.sessionId, idle.doc);
        await (this.#entries.get(idle.sessionId) as { promise?: Promise<void> } | undefined)?.promise?.catch(() => undefined);
        continue;
      }
      switch (entry.kind) {
        case 'ready':
          entry.idleTimer?.cancel();
          entry.idleTimer = null;
          return entry.doc;
        case 'loading':
          return entry.promise;
        case 'unloading':
          await entry.promise.catch(() => undefined);
          continue;
      }
    }
    if (!this.#template.exists(sessionId)) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
    const promise = this.#load(sessionId);
    this.#entries.set(sessionId, { kind: 'loading', promise });
    promise.then(
      (doc) => this.#entries.set(sessionId, { kind: 'ready', doc, idleTimer: null }),
      () => this.#entries.delete(sessionId),
    );
    return promise;
  }

  /** Runs `read` on a session's doc (loading it if needed) and lets it unload again when idle. */
  async withDoc<T>(sessionId: string, read: (doc: LiveDoc) => T): Promise<T> {
    this.#pin(sessionId, +1);
    let doc: LiveDoc;
    try {
      doc = await this.acquire(sessionId);
    } finally {
      this.#pin(sessionId, -1);
    }
    try {
      return read(doc);
    } finally {
      this.#releaseIfIdle(sessionId);
    }
  }

  /**
   * The one way to edit a session's doc from the server (follow-ups, discussion, checkpoint and
   * export restores): runs `change` on the loaded doc as a normal edit (logged before it is
   * relayed to connected clients), or fails with STORAGE_UNAVAILABLE when the doc cannot be stored
   * right now (before the change) or the change could not be stored (it is kept in memory and
   * retried). `durable` also waits for the fdatasync of the change.
   */
  async edit<T>(sessionId: string, change: (doc: LiveDoc) => T, options: { durable?: boolean } = {}): Promise<T> {
    const { result, live } = await this.withDoc(sessionId, (live) => {
      if (live.storageError) throw new AppError('STORAGE_UNAVAILABLE', 'The session cannot be stored right now; try again shortly.');
      const result = change(live);
      if (live.storageError) throw new AppError('STORAGE_UNAVAILABLE', 'The change could not be stored; it is kept in memory and retried.');
      return { result, live };
    });
    if (options.durable) await live.flush();
    return result;
  }

  /** Reconciles a loaded doc with its changed session (the next load does it otherwise). */
  sessionChanged(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (entry?.kind === 'ready') this.#reconcile(entry.doc);
  }

  /** Brings the doc's structure up to date with its session, once cluster-wide (on the leader). */
  #reconcile(live: LiveDoc): void {
    live.asLeader(() => this.#template.reconcile(live.doc, live.sessionId)).catch((error: unknown) => {
      this.#options.log.warn({ err: error, sessionId: live.sessionId }, 'sections of new topics could not be added yet');
    });
  }

  /** The store's version of a session's doc (DocStore.version): read without loading the doc. */
  storedVersion(sessionId: string): Promise<string | null> {
    return this.#store.version(sessionId);
  }

  /** Number of connected peers of a session (0 when not loaded). */
  peerCount(sessionId: string): number {
    const entry = this.#entries.get(sessionId);
    return entry?.kind === 'ready' ? entry.doc.peerCount : 0;
  }

  /** Connections attached to a loaded doc, over all sessions. */
  get connectionCount(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.kind === 'ready') count += entry.doc.peerCount;
    return count;
  }

  get loadedCount(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.kind === 'ready') count++;
    return count;
  }

  /** Stops accepting, closes every peer with 1001, stores and closes every doc. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    const pending = [...this.#entries.values()].map((entry) => (entry.kind === 'ready' ? null : entry.promise.catch(() => undefined)));
    await Promise.all(pending);
    const closing: Promise<void>[] = [];
    for (const [sessionId, entry] of this.#entries) {
      if (entry.kind !== 'ready') continue;
      entry.idleTimer?.cancel();
      entry.doc.closeAllPeers(CloseCode.GOING_AWAY, 'server shutting down');
      closing.push(
        entry.doc.close().catch((error: unknown) => {
          this.#options.log.error({ err: error, sessionId }, 'doc could not be stored at shutdown; its log is kept');
        }),
      );
    }
    await Promise.all(closing);
    this.#entries.clear();
    await this.#store.closeAll();
  }

  async #load(sessionId: string): Promise<LiveDoc> {
    const { handle, loaded, bus } = await this.#store.open(sessionId);
    // Applying a large doc takes a while (~0.4 s for 100,000 edits): fresh clients already waiting
    // get the stored bytes as their sync step 2 first. Nothing can change the doc before it is loaded.
    // A long log (after a crash) would cost more to merge than it saves.
    if (!loaded.isNew && loaded.updates.length - 1 <= maxStateTail(loaded.updates[0]!.length)) {
      for (const answer of this.#awaitingLoad.get(sessionId) ?? []) answer(loaded.updates);
    }
    try {
      const doc = new Y.Doc();
      const loadedBytes = loaded.updates.reduce((sum, update) => sum + update.length, 0);
      if (loaded.isNew) {
        Y.applyUpdate(doc, this.#template.initialState(sessionId));
      } else {
        doc.transact(() => {
          for (const update of loaded.updates) Y.applyUpdate(doc, update);
        });
      }
      const live = new LiveDoc(sessionId, doc, handle, {
        compactLogBytes: this.#options.compactLogBytes,
        log: this.#options.log,
        ...(this.#options.docLimits ? { limits: this.#options.docLimits } : {}),
        ...(loaded.isNew ? {} : { loadedBytes }),
        ...(this.#options.metrics ? { metrics: this.#options.metrics } : {}),
        ...(this.#options.broadcastDelayMs ? { broadcastDelayMs: this.#options.broadcastDelayMs } : {}),
        ...(bus ? { bus } : {}),
        guard: this.#template.guard,
        clock: this.#clock,
      });
      // What it was loaded from (snapshot, then the log) answers fresh clients without encoding.
      if (!loaded.isNew) live.cacheState(loaded.updates[0]!, loaded.updates.slice(1));
      // The template is on disk before any client can sync, so every client sees it exactly once.
      if (loaded.isNew) await live.compact();
      if (bus) {
        // A new leader (the previous one died) adds what its predecessor may not have.
        live.onLeadership(() => this.#reconcile(live));
        await live.asLeader(() => this.#template.reconcile(doc, sessionId));
      } else this.#template.reconcile(doc, sessionId);
      this.#options.onLoaded?.(live);
      return live;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  #listenForLoad(sessionId: string, answer: (stored: readonly Uint8Array[]) => void, listen: boolean): void {
    const listeners = this.#awaitingLoad.get(sessionId) ?? new Set();
    if (listen) this.#awaitingLoad.set(sessionId, listeners.add(answer));
    else if (listeners.delete(answer) && listeners.size === 0) this.#awaitingLoad.delete(sessionId);
  }

  #pin(sessionId: string, delta: number): void {
    const count = (this.#attaching.get(sessionId) ?? 0) + delta;
    if (count > 0) this.#attaching.set(sessionId, count);
    else this.#attaching.delete(sessionId);
  }

  /** A loaded doc nobody is connected to (the one to unload when the memory limit is reached). */
  #idleEntry(): { sessionId: string; doc: LiveDoc } | null {
    for (const [sessionId, entry] of this.#entries) {
      if (entry.kind === 'ready' && entry.doc.peerCount === 0 && !this.#attaching.has(sessionId)) {
        entry.idleTimer?.cancel();
        entry.idleTimer = null;
        return { sessionId, doc: entry.doc };
      }
    }
    return null;
  }

  #releaseIfIdle(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (entry?.kind !== 'ready' || entry.doc.peerCount > 0 || entry.idleTimer || this.#shuttingDown) return;
    entry.idleTimer = this.#clock.setTimeout(() => this.#unload(sessionId, entry.doc), this.#options.docIdleUnloadMs);
  }

  #unload(sessionId: string, doc: LiveDoc): void {
    const entry = this.#entries.get(sessionId);
    if (entry?.kind !== 'ready' || entry.doc !== doc || doc.peerCount > 0) return;
    const promise = doc.close().then(
      () => {
        this.#entries.delete(sessionId);
        this.#options.onUnloaded?.(sessionId);
      },
      (error: unknown) => {
        // Never drop state that is not safely stored: keep the doc and try again later.
        this.#options.log.error({ err: error, sessionId }, 'doc could not be stored; keeping it in memory');
        this.#entries.set(sessionId, { kind: 'ready', doc, idleTimer: null });
        this.#releaseIfIdle(sessionId);
      },
    );
    this.#entries.set(sessionId, { kind: 'unloading', promise });
  }
}
