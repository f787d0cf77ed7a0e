/**
 * The metadata write path: every change is computed on a copy and saved before it becomes
 * visible, so a failed or invalid change leaves nothing half-written; writes (and reloads) run one
 * at a time. Over a shared store (cluster mode, issue #8) a change is computed on the latest stored
 * data and saved only if nobody saved meanwhile (else retried), and other instances' saves are
 * reloaded and announced to the same listeners as local ones.
 */
import type { Session } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { isSharedMetaStore, META_SCHEMA_VERSION, type MetaData, type MetaStore, type SharedMetaStore } from '../storage/meta-store.ts';
import { metaChanges } from './meta-changes.ts';
import type { MetaNotices } from './meta-notices.ts';

/** A change to the metadata, computed on a copy at time `now`. */
export type Change<T> = (data: MetaData, now: string) => Mutation<T>;

/** What a change computed, and the sessions whose topics it added to (their docs get sections). */
export interface Mutation<T> {
  result: T;
  changed?: Session[];
}

export interface MetaWritesHooks {
  notices: MetaNotices;
  /** Called whenever the visible data was replaced (a write of ours, or another instance's save). */
  onData(data: MetaData): void;
  /** Reports a failed reload of another instance's change, or a listener that threw on one. */
  onReloadError(error: unknown): void;
}

/** Saves over a shared store that lose the race this often in a row give up (a write storm). */
const MAX_SHARED_SAVE_ATTEMPTS = 20;

export class MetaWrites {
  #data: MetaData;
  #store: MetaStore;
  #hooks: MetaWritesHooks;
  #writes: Promise<void> = Promise.resolve();
  /** Shared store only: the stored revision `#data` is, and the notice subscription. */
  #revision = 0;
  #stopListening: (() => void) | null = null;
  #reloadQueued = false;

  private constructor(store: MetaStore, data: MetaData | null, hooks: MetaWritesHooks) {
    this.#store = store;
    this.#hooks = hooks;
    this.#data = data ?? { version: META_SCHEMA_VERSION, events: [], sessions: [] };
    hooks.onData(this.#data);
  }

  /**
   * Loads the metadata from `store`; over a shared store, follows other instances' saves until
   * `close()`. `stored` is what the store held (null on a first start).
   */
  static async open(store: MetaStore, hooks: MetaWritesHooks): Promise<{ writes: MetaWrites; stored: MetaData | null }> {
    if (!isSharedMetaStore(store)) {
      const stored = await store.load();
      return { writes: new MetaWrites(store, stored, hooks), stored };
    }
    // Listen before loading: a save between the load and the constructor would go unheard.
    let writes: MetaWrites | null = null;
    let missed = false;
    const stopListening = store.onRemoteChange(() => (writes ? writes.#queueReload(store) : (missed = true)));
    let stored: MetaData | null;
    try {
      const loaded = await store.loadRevision();
      stored = loaded.data;
      writes = new MetaWrites(store, stored, hooks);
      writes.#revision = loaded.revision;
    } catch (error) {
      stopListening();
      throw error;
    }
    writes.#stopListening = stopListening;
    if (missed) writes.#queueReload(store);
    return { writes, stored };
  }

  /** The visible data; callers copy what they hand out. */
  get data(): MetaData {
    return this.#data;
  }

  /** Stops following other instances and waits for queued writes (the store stays open). */
  async close(): Promise<void> {
    this.#stopListening?.();
    this.#stopListening = null;
    await this.#writes;
  }

  /** Runs `change` on a copy, saves it, then publishes it; writes run one at a time. */
  mutate<T>(change: Change<T>): Promise<T> {
    const store = this.#store;
    if (isSharedMetaStore(store)) return this.#serial(() => this.#commitShared(store, change));
    return this.#serial(async () => {
      const draft = structuredClone(this.#data);
      const outcome = change(draft, new Date().toISOString());
      await store.save(draft);
      return this.#publish(draft, outcome);
    });
  }

  /** Makes a saved draft visible and tells listeners which sessions gained topics. */
  #publish<T>(draft: MetaData, { result, changed = [] }: Mutation<T>): T {
    this.#data = draft;
    this.#hooks.onData(draft);
    for (const session of changed) this.#hooks.notices.topicsAdded.each((listener) => listener(structuredClone(session)));
    return result;
  }

  /** Optimistic write: compute on the latest stored data, save unless another instance saved
   *  since, else take that in and compute again. */
  async #commitShared<T>(store: SharedMetaStore, change: Change<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const latest = await store.loadRevision();
      this.#adopt(latest);
      const draft = structuredClone(this.#data);
      const outcome = change(draft, new Date().toISOString());
      // Based on the revision Redis holds; if Redis lost everything, #data is still our copy
      // (see #adopt), and this save writes it back instead of computing on nothing.
      const saved = await store.saveIfCurrent(draft, latest.revision);
      if (saved.saved) {
        this.#revision = saved.revision;
        return this.#publish(draft, outcome);
      }
      if (attempt === MAX_SHARED_SAVE_ATTEMPTS) {
        throw new AppError('STORAGE_UNAVAILABLE', `Metadata changed under this write ${attempt} times in a row; try again.`);
      }
      // Jitter, so instances that collided do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  /** Reloads after another instance's save; queued with the writes, and coalesced. */
  #queueReload(store: SharedMetaStore): void {
    if (this.#reloadQueued) return;
    this.#reloadQueued = true;
    this.#serial(async () => {
      this.#reloadQueued = false;
      this.#adopt(await store.loadRevision());
    }).catch((error: unknown) => this.#hooks.onReloadError(error));
  }

  /**
   * Takes in stored data another instance saved and announces what it changed. Loads and saves
   * run one at a time, so a stored revision other than ours is newer (or Redis was reset; then an
   * empty store does not wipe our copy, and the next write puts it back).
   */
  #adopt({ data, revision }: { data: MetaData | null; revision: number }): void {
    if (data === null || revision === this.#revision) return;
    const { topicsAdded, revoked, closedEvents, archivedSessions } = metaChanges(this.#data, data);
    this.#data = data;
    this.#revision = revision;
    this.#hooks.onData(data);
    const { notices, onReloadError } = this.#hooks;
    // A throwing listener must not stop the others, nor fail the local write that triggered this.
    const call = (listener: () => void): void => {
      try {
        listener();
      } catch (error) {
        onReloadError(error);
      }
    };
    for (const session of topicsAdded) notices.topicsAdded.each((listener) => call(() => listener(structuredClone(session))));
    for (const info of revoked) notices.tokenRevoked.each((listener) => call(() => listener({ ...info })));
    for (const eventId of closedEvents) notices.eventClosed.each((listener) => call(() => listener(eventId)));
    for (const sessionId of archivedSessions) notices.sessionArchived.each((listener) => call(() => listener(sessionId)));
  }

  /** Runs `run` after every queued write or reload, whatever their outcome. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(run, run);
    this.#writes = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}
