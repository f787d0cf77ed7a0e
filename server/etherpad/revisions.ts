/**
 * Etherpad revision numbers over mcpad's notes docs (issue #16). A doc's revision is every Yjs
 * operation it ever took: the sum of its state vector's clocks (items inserted, by every client)
 * plus the lengths in its delete set. Both only grow and both are part of any encoded state, so
 * the number is monotonic, survives restarts, and can be computed for a stored checkpoint too.
 *
 * `rev` in getText/getHTML is served from the nearest checkpoint at or before it: checkpoints are
 * newest first and revisions only grow, so the first checkpoint at or below `rev` is the nearest.
 * A checkpoint never changes, so its revision is computed once (decoding its state) and cached.
 */
import * as Y from 'yjs';
import type { CheckpointService } from '../sessions/checkpoint-service.ts';

/** The revision number of a notes doc (see the module comment). */
export function revisionOf(doc: Y.Doc): number {
  let count = 0;
  for (const clock of Y.decodeStateVector(Y.encodeStateVector(doc)).values()) count += clock;
  for (const items of Y.createDeleteSetFromStructStore(doc.store).clients.values()) for (const item of items) count += item.len;
  return count;
}

/** Cached revisions kept at most (ids of removed checkpoints age out when the cache is cleared). */
const MAX_CACHED = 10_000;

export class CheckpointRevisions {
  readonly #history: CheckpointService;
  /** `<sessionId>/<checkpointId>` → revision. */
  readonly #cache = new Map<string, number>();

  constructor(history: CheckpointService) {
    this.#history = history;
  }

  /** The newest checkpoint whose revision is at most `rev`, with its doc (the caller destroys it);
   *  null when every checkpoint is later, or there is none. */
  async atOrBefore(sessionId: string, rev: number): Promise<{ id: string; revision: number; doc: Y.Doc } | null> {
    for (const info of await this.#history.list(sessionId)) {
      const key = `${sessionId}/${info.id}`;
      const known = this.#cache.get(key);
      if (known !== undefined && known > rev) continue;
      const doc = await this.#history.doc(sessionId, info.id);
      const revision = revisionOf(doc);
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      this.#cache.set(key, revision);
      if (revision <= rev) return { id: info.id, revision, doc };
      doc.destroy();
    }
    return null;
  }
}
