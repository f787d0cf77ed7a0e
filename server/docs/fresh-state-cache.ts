/**
 * The encoded state a fresh client (every page load) gets as sync step 2 (issue #7): a cached
 * encoding of the doc, preceded by the updates since merged into one (the tail), instead of a
 * re-encoding of the whole doc (~70 ms for a 100,000-edit doc). The tail goes first so that step
 * 2, after which a y-websocket client calls itself synced, completes the state. Past a short tail
 * the cache is dropped (the next fresh client re-encodes) and it is refilled once the doc is quiet.
 */
import * as Y from 'yjs';
import { isEmptyStateVector } from '../../shared/wire.ts';
import type { Clock, Timer } from './clock.ts';

/** Updates kept after the cached state. Merging the tail grows faster than linearly (200 scattered
 *  updates ~2 ms, 1,000 ~20 ms) while encoding costs ~45 µs per KiB of state: a small doc keeps a
 *  few updates, a large one up to 200. */
const MAX_STATE_TAIL = 200;
const STATE_BYTES_PER_TAIL_UPDATE = 64;
const MIN_STATE_TAIL = 16;

export function maxStateTail(stateBytes: number): number {
  return Math.min(MAX_STATE_TAIL, Math.max(MIN_STATE_TAIL, Math.floor(stateBytes / STATE_BYTES_PER_TAIL_UPDATE)));
}

/** A sync step 2 answer: `tail` (if any) is sent as an update before `state`. */
export interface StateAnswer {
  state: Uint8Array;
  tail: Uint8Array | null;
}

export class FreshStateCache {
  #doc: Y.Doc;
  #clock: Clock;
  #warmMs: number;
  /** An encoded state of the doc that, with the tail applied after it, is the doc's full state. */
  #state: Uint8Array | null = null;
  #tail: Uint8Array[] = [];
  /** The tail merged into one update, until the next update. */
  #mergedTail: Uint8Array | null = null;
  /** Refills the cache once the doc is quiet, so that the next fresh client does not wait for the
   *  encoding (~150 ms for a 100,000-edit doc). */
  #warmer: Timer | null = null;

  constructor(doc: Y.Doc, clock: Clock, warmMs: number) {
    this.#doc = doc;
    this.#clock = clock;
    this.#warmMs = warmMs;
  }

  /** True while a fresh client would be answered from the cache. */
  get cached(): boolean {
    return this.#state !== null;
  }

  /** True when the cache needs no tail (it was re-encoded since the last update). */
  get compact(): boolean {
    return this.#state !== null && this.#tail.length === 0;
  }

  /** Remembers what the doc was loaded from (a snapshot, then the updates logged after it). */
  load(state: Uint8Array, tail: readonly Uint8Array[]): void {
    if (tail.length > maxStateTail(state.length)) return;
    this.#state = state;
    this.#tail = [...tail];
    this.#mergedTail = null;
  }

  /** A durable update was applied to the doc. */
  updated(update: Uint8Array): void {
    if (this.#state) {
      this.#tail.push(update);
      this.#mergedTail = null;
      // Too long to merge cheaply: the next fresh client (or the quiet-doc warmer) re-encodes.
      if (this.#tail.length > maxStateTail(this.#state.length)) this.#drop();
    }
    if (this.#warmer) this.#warmer.refresh();
    else this.#warmer = this.#clock.setTimeout(() => this.full(), this.#warmMs);
  }

  /** What a peer with `stateVector` is missing: from the cache for a fresh client. */
  answer(stateVector: Uint8Array): StateAnswer {
    if (!isEmptyStateVector(stateVector)) return { state: Y.encodeStateAsUpdate(this.#doc, stateVector), tail: null };
    if (!this.#state) this.#reencode();
    const tail = this.#tail.length > 0 ? (this.#mergedTail ??= Y.mergeUpdates(this.#tail)) : null;
    return { state: this.#state!, tail };
  }

  /** The full state as one update (compaction, the quiet-doc warmer): re-encoded if there is a tail. */
  full(): Uint8Array {
    if (!this.#state || this.#tail.length > 0) this.#reencode();
    return this.#state!;
  }

  stop(): void {
    this.#warmer?.cancel();
  }

  #reencode(): void {
    this.#state = Y.encodeStateAsUpdate(this.#doc);
    this.#tail = [];
    this.#mergedTail = null;
  }

  #drop(): void {
    this.#state = null;
    this.#tail = [];
    this.#mergedTail = null;
  }
}
