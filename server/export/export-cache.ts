/**
 * Rendered exports kept in memory (issue #13), keyed by what they were rendered from: the scope,
 * the format and a fingerprint of every doc and metadata record read. A repeated export of an
 * unchanged session or event is served from here; any edit, follow-up or metadata change gives
 * another key, and old entries age out of the least-recently-used cache, bounded in bytes.
 */
import { LRUCache } from 'lru-cache';
import type { RenderedExport } from './export-service.ts';

export class ExportCache {
  #entries: LRUCache<string, RenderedExport> | null;

  /** `maxBytes` 0 turns the cache off. */
  constructor(maxBytes: number) {
    this.#entries =
      maxBytes > 0
        ? new LRUCache<string, RenderedExport>({
            maxSize: maxBytes,
            // Strings are UTF-16 in memory; the body dominates an entry.
            sizeCalculation: (rendered) => Math.max(1, rendered.body.length * 2),
          })
        : null;
  }

  get(key: string): RenderedExport | undefined {
    return this.#entries?.get(key);
  }

  set(key: string, rendered: RenderedExport): void {
    // lru-cache refuses (does not store) an entry larger than the whole cache.
    this.#entries?.set(key, rendered);
  }
}
