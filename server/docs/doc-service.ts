/**
 * The live docs of all open sessions. A doc is loaded once however many clients arrive at the same
 * instant (a map of loading promises), created from the session's topic template inside that same
 * load and stored before any client syncs, and unloaded only after it is stored; a client arriving
 * during an unload waits for it and then gets the stored state.
 */
import * as Y from 'yjs';
import { AppError } from '../../shared/errors.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { appendMissingSections, buildTemplateUpdate, type TemplateTopic } from '../../shared/topic-template.ts';
import type { DocStore } from '../storage/doc-store.ts';
import type { DocMetrics } from './doc-metrics.ts';
import { LiveDoc, truncateReason } from './live-doc.ts';
import type { Logger, PeerConnection, PeerSocket } from './peer.ts';

/** Where the doc service learns a session's topics (the metadata service, in the app). */
export interface SessionDirectory {
  /** The session's topics in order, or undefined when there is no such session. */
  topicsOf(sessionId: string): TemplateTopic[] | undefined;
}

export interface DocServiceOptions {
  compactLogBytes: number;
  docIdleUnloadMs: number;
  /** Frames a connection may send before its doc is loaded; more closes it. */
  maxQueuedFrames: number;
  log: Logger;
  metrics?: DocMetrics;
}

type Entry =
  | { kind: 'loading'; promise: Promise<LiveDoc> }
  | { kind: 'ready'; doc: LiveDoc; idleTimer: NodeJS.Timeout | null }
  | { kind: 'unloading'; promise: Promise<void> };

type ConnectionState =
  | { kind: 'loading'; queue: Uint8Array[] }
  | { kind: 'open'; doc: LiveDoc }
  | { kind: 'closed' };

export class DocService {
  #store: DocStore;
  #sessions: SessionDirectory;
  #options: DocServiceOptions;
  #entries = new Map<string, Entry>();
  #shuttingDown = false;

  constructor(store: DocStore, sessions: SessionDirectory, options: DocServiceOptions) {
    this.#store = store;
    this.#sessions = sessions;
    this.#options = options;
  }

  /**
   * Attaches a client socket to a session. Returns synchronously so the edge can route frames
   * before the doc is loaded; they are queued and handled in order once it is.
   */
  connect(sessionId: string, socket: PeerSocket): PeerConnection {
    let state: ConnectionState = { kind: 'loading', queue: [] };
    const close = (code: number, reason: string): void => {
      if (state.kind === 'closed') return;
      state = { kind: 'closed' };
      socket.close(code, truncateReason(reason));
    };
    if (this.#shuttingDown) close(CloseCode.GOING_AWAY, 'server shutting down');
    else if (!this.#sessions.topicsOf(sessionId)) close(CloseCode.SESSION_NOT_FOUND, `no session "${sessionId}"`);
    else {
      this.acquire(sessionId).then(
        (doc) => {
          if (state.kind !== 'loading') {
            this.#releaseIfIdle(sessionId);
            return;
          }
          if (doc.storageError) {
            close(CloseCode.STORAGE_UNAVAILABLE, 'storage unavailable: your edits are kept on your device');
            this.#releaseIfIdle(sessionId);
            return;
          }
          const queued = state.queue;
          state = { kind: 'open', doc };
          doc.addPeer(socket);
          for (const frame of queued) doc.receive(socket, frame);
        },
        (error: unknown) => {
          const appError = error instanceof AppError ? error : null;
          if (!appError) this.#options.log.error({ err: error, sessionId }, 'doc load failed');
          close(appError?.closeCode ?? CloseCode.STORAGE_UNAVAILABLE, appError?.message ?? 'the session could not be loaded');
        },
      );
    }
    return {
      receive: (frame) => {
        switch (state.kind) {
          case 'loading':
            if (state.queue.length >= this.#options.maxQueuedFrames) close(CloseCode.RATE_LIMITED, 'too many frames before the session loaded');
            else state.queue.push(frame);
            return;
          case 'open':
            state.doc.receive(socket, frame);
            return;
          case 'closed':
            return;
        }
      },
      closed: () => {
        const previous = state;
        state = { kind: 'closed' };
        if (previous.kind === 'open') {
          previous.doc.removePeer(socket);
          this.#releaseIfIdle(sessionId);
        }
      },
    };
  }

  /** The loaded doc of a session, loading it (or waiting for a running load or unload) first. */
  async acquire(sessionId: string): Promise<LiveDoc> {
    for (;;) {
      const entry = this.#entries.get(sessionId);
      if (!entry) break;
      switch (entry.kind) {
        case 'ready':
          if (entry.idleTimer) clearTimeout(entry.idleTimer);
          entry.idleTimer = null;
          return entry.doc;
        case 'loading':
          return entry.promise;
        case 'unloading':
          await entry.promise.catch(() => undefined);
          continue;
      }
    }
    const topics = this.#sessions.topicsOf(sessionId);
    if (!topics) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
    const promise = this.#load(sessionId, topics);
    this.#entries.set(sessionId, { kind: 'loading', promise });
    promise.then(
      (doc) => this.#entries.set(sessionId, { kind: 'ready', doc, idleTimer: null }),
      () => this.#entries.delete(sessionId),
    );
    return promise;
  }

  /** Runs `read` on a session's doc (loading it if needed) and lets it unload again when idle. */
  async withDoc<T>(sessionId: string, read: (doc: LiveDoc) => T): Promise<T> {
    const doc = await this.acquire(sessionId);
    try {
      return read(doc);
    } finally {
      this.#releaseIfIdle(sessionId);
    }
  }

  /** Adds sections for topics added to a session after its doc was created (if it is loaded now;
   *  otherwise the next load does it). */
  topicsChanged(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    const topics = this.#sessions.topicsOf(sessionId);
    if (entry?.kind === 'ready' && topics) appendMissingSections(entry.doc.doc, topics);
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
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
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

  async #load(sessionId: string, topics: TemplateTopic[]): Promise<LiveDoc> {
    const { handle, loaded } = await this.#store.open(sessionId);
    try {
      const doc = new Y.Doc();
      if (loaded.isNew) {
        Y.applyUpdate(doc, buildTemplateUpdate(topics));
      } else {
        doc.transact(() => {
          for (const update of loaded.updates) Y.applyUpdate(doc, update);
        });
      }
      const live = new LiveDoc(sessionId, doc, handle, {
        compactLogBytes: this.#options.compactLogBytes,
        log: this.#options.log,
        ...(this.#options.metrics ? { metrics: this.#options.metrics } : {}),
      });
      // A doc loaded from a snapshot alone: that snapshot is its full state for fresh clients.
      if (!loaded.isNew && loaded.updates.length === 1) live.cacheState(loaded.updates[0]!);
      // The template is on disk before any client can sync, so every client sees it exactly once.
      if (loaded.isNew) await live.compact();
      appendMissingSections(doc, topics);
      return live;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  #releaseIfIdle(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (entry?.kind !== 'ready' || entry.doc.peerCount > 0 || entry.idleTimer || this.#shuttingDown) return;
    entry.idleTimer = setTimeout(() => this.#unload(sessionId, entry.doc), this.#options.docIdleUnloadMs);
    entry.idleTimer.unref();
  }

  #unload(sessionId: string, doc: LiveDoc): void {
    const entry = this.#entries.get(sessionId);
    if (entry?.kind !== 'ready' || entry.doc !== doc || doc.peerCount > 0) return;
    const promise = doc.close().then(
      () => {
        this.#entries.delete(sessionId);
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
