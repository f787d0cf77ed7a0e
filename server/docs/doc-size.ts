/**
 * maxDocBytes (issue #6): a running upper bound of the doc's encoded size, so an update that would
 * take the doc past the limit is refused (4413) before it is applied, without encoding the doc on
 * every update. The bound is exact after a compaction and grows by every accepted update.
 */
import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol.ts';
import { ProtocolError } from './sync-handler.ts';

export class DocSize {
  #doc: Y.Doc;
  #maxBytes: number;
  #bytes: number;

  constructor(doc: Y.Doc, maxBytes: number, loadedBytes?: number) {
    this.#doc = doc;
    this.#maxBytes = maxBytes;
    this.#bytes = loadedBytes ?? Y.encodeStateAsUpdate(doc).length;
  }

  /** The exact size (a compaction just encoded the state). */
  reset(bytes: number): void {
    this.#bytes = bytes;
  }

  /** An update from another instance was applied (it was checked there). */
  add(bytes: number): void {
    this.#bytes += bytes;
  }

  /** Counts `update` in, or throws ProtocolError(4413) when it would pass the limit. */
  admit(update: Uint8Array): void {
    const max = this.#maxBytes;
    if (this.#bytes + update.length > max) {
      // The running sum over-counts (re-sent and deleted content); measure before refusing.
      this.#bytes = Y.encodeStateAsUpdate(this.#doc).length;
      if (this.#bytes + update.length > max) {
        throw new ProtocolError(`doc too large: ${this.#bytes} bytes stored, update of ${update.length} would pass the limit of ${max}`, CloseCode.DOC_TOO_LARGE);
      }
    }
    this.#bytes += update.length;
  }
}
