/**
 * Records when each session's notes last changed (issue #16: Etherpad's getLastEdited), in the
 * session state doc (shared/notes-activity.ts), so the time is durable, survives restarts and is
 * shared by every instance of a cluster. Cheap per edit: an edit only notes the time in memory;
 * the time is written to the state doc at most once per `flushMs` per session (a durable state
 * edit), and at once when the notes doc unloads and on shutdown. A crash loses at most the last
 * `flushMs` of it: the reader then sees the time of an earlier edit, never a later one.
 *
 * Every change of the notes doc counts (edits of peers connected here, server edits, imports);
 * updates that arrived from another instance are that instance's to record (REMOTE_ORIGIN).
 */
import { recordNotesEdited } from '../../shared/notes-activity.ts';
import { systemClock, type Clock, type Timer } from '../docs/clock.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { LiveDoc } from '../docs/live-doc.ts';
import type { Logger } from '../logger.ts';
import { REMOTE_ORIGIN } from '../storage/doc-store-port.ts';

export interface NotesActivityOptions {
  /** Longest time between a notes change and its time being written (NOTES_EDITED_FLUSH_MS). */
  flushMs: number;
  log: Logger;
  /** Time and timers (tests pass a manual clock); the system clock when left out. */
  clock?: Clock;
}

interface Pending {
  at: number;
  timer: Timer;
}

export class NotesActivity {
  readonly #state: DocService;
  readonly #options: NotesActivityOptions;
  readonly #clock: Clock;
  readonly #pending = new Map<string, Pending>();
  readonly #writes = new Set<Promise<void>>();
  readonly #watched = new Map<string, () => void>();

  constructor(state: DocService, options: NotesActivityOptions) {
    this.#state = state;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Follows a loaded notes doc's changes. */
  watch(notes: LiveDoc): void {
    this.unwatch(notes.sessionId);
    const sessionId = notes.sessionId;
    const onUpdate = (_update: Uint8Array, origin: unknown): void => {
      if (origin === REMOTE_ORIGIN) return;
      const at = this.#clock.now();
      const pending = this.#pending.get(sessionId);
      if (pending) pending.at = at;
      else this.#pending.set(sessionId, { at, timer: this.#clock.setTimeout(() => this.#flush(sessionId), this.#options.flushMs) });
    };
    notes.doc.on('update', onUpdate);
    this.#watched.set(sessionId, () => notes.doc.off('update', onUpdate));
  }

  /** The notes doc unloaded: stop following it and write what is pending now. */
  unwatch(sessionId: string): void {
    this.#watched.get(sessionId)?.();
    this.#watched.delete(sessionId);
    this.#flush(sessionId);
  }

  /** Writes every pending time and waits for the writes (before the state docs shut down). */
  async close(): Promise<void> {
    for (const sessionId of [...this.#pending.keys()]) this.#flush(sessionId);
    await Promise.all(this.#writes);
  }

  #flush(sessionId: string): void {
    const pending = this.#pending.get(sessionId);
    if (!pending) return;
    pending.timer.cancel();
    this.#pending.delete(sessionId);
    const write = this.#state
      .edit(sessionId, (live) => void recordNotesEdited(live.doc, pending.at), { durable: true })
      .catch((error: unknown) => this.#options.log.warn({ err: error, sessionId }, 'the time of the last notes change could not be recorded'));
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }
}
