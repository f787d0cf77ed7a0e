/**
 * Which stored doc versions label the search index's content (issue #17): the index records, per
 * session, the DocStore versions of the notes and state docs it was built from, so a start checks
 * it with a stat per doc instead of loading every doc.
 *
 * Invariant: a session's recorded versions never name stored content the index lacks.
 * - A reindex reads the versions BEFORE the docs. A doc read holds at least what was stored when
 *   its version was read, so the label is never newer than the content indexed: a change stored
 *   between the two reads is indexed under the older version, and the next start sees a newer
 *   version and reindexes the session once more (harmless). Read after the docs, a change stored
 *   in between would carry a version whose content the index lacks, and after a kill -9 it would
 *   stay unsearchable until the session's next edit. (Cluster mode: a doc this instance has loaded
 *   may not have applied another instance's latest entries yet; they arrive as updates and are
 *   reindexed then, so only a kill -9 in that moment leaves the session stale.)
 * - The change count is taken before the versions, and a relabel (`relabelClean`) only happens
 *   while the session is clean: no doc update heard since that count, no reindex pending.
 */
import type { DocService } from '../docs/doc-service.ts';
import type { SearchIndex } from './search-index.ts';

export interface DocVersions {
  notes: string | null;
  state: string | null;
}

export class SourceVersions {
  #docs: DocService;
  #state: DocService;
  /** Per session, doc updates heard (and cluster announcements). */
  #changes = new Map<string, number>();
  /** Per session, the change count seen just before the versions its index entry carries were read. */
  #indexedAt = new Map<string, number>();
  /** Sessions whose docs were loaded in this run: only their versions can have moved (an unload
   *  or the stop compacts a doc: a new version, the same content). */
  #touched = new Set<string>();

  constructor(docs: DocService, state: DocService) {
    this.#docs = docs;
    this.#state = state;
  }

  /** The stored versions of a session's notes and state docs (a stat or one Redis call each). */
  async read(sessionId: string): Promise<DocVersions> {
    const [notes, state] = await Promise.all([this.#docs.storedVersion(sessionId), this.#state.storedVersion(sessionId)]);
    return { notes, state };
  }

  loaded(sessionId: string): void {
    this.#touched.add(sessionId);
  }

  changed(sessionId: string): void {
    this.#changes.set(sessionId, this.count(sessionId) + 1);
  }

  /** Take it before reading the versions; pass it to `indexed` once the docs were read. */
  count(sessionId: string): number {
    return this.#changes.get(sessionId) ?? 0;
  }

  indexed(sessionId: string, seen: number): void {
    this.#indexedAt.set(sessionId, seen);
  }

  /**
   * Gives every clean session loaded in this run its current versions in `index`; true when one
   * changed. Clean means the stored docs hold what was indexed, so their current versions label
   * the indexed content. Without this, every session read in a run (reindexed, then unloaded:
   * compacted) would be reindexed at the next start. `busy`: a reindex is pending or running.
   * Not for cluster mode: another instance may have stored an update whose announcement has not
   * arrived yet (there a compaction costs a reindex at the next start).
   */
  async relabelClean(index: SearchIndex, busy: (sessionId: string) => boolean): Promise<boolean> {
    const clean = (sessionId: string, seen: number): boolean =>
      this.#indexedAt.get(sessionId) === seen && this.count(sessionId) === seen && !busy(sessionId);
    let changed = false;
    for (const sessionId of this.#touched) {
      const seen = this.count(sessionId);
      if (!clean(sessionId, seen)) continue;
      const now = await this.read(sessionId).catch(() => null);
      const known = index.source(sessionId);
      if (!now || !known || !clean(sessionId, seen) || (known.notes === now.notes && known.state === now.state)) continue;
      index.setSource(sessionId, { ...known, ...now });
      changed = true;
    }
    return changed;
  }
}
