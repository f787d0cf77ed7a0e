/** The in-memory DocStore double with the file store's contract, for service tests. */
import type { DocHandle, DocStore } from './doc-store-port.ts';
import { assertAppendable, assertDocId, closeEvery } from './doc-store-checks.ts';
import { FRAME_HEADER_BYTES } from './frame-codec.ts';

interface MemoryRecord {
  snapshot: Uint8Array | null;
  log: Uint8Array[];
  /** Bumped by every append and compaction (the store's version). */
  writes: number;
}

class MemoryDocHandle implements DocHandle {
  private closed = false;

  constructor(
    readonly docId: string,
    private readonly record: MemoryRecord,
    private readonly failure: () => Error | null,
    private readonly onClosed: () => void,
  ) {}

  get logBytes(): number {
    return this.record.log.reduce((sum, update) => sum + FRAME_HEADER_BYTES + update.length, 0);
  }

  get logFrames(): number {
    return this.record.log.length;
  }

  append(update: Uint8Array): void {
    this.assertUsable();
    assertAppendable(update, Number.POSITIVE_INFINITY);
    const failure = this.failure();
    if (failure) throw failure;
    this.record.log.push(update.slice());
    this.record.writes++;
  }

  async compact(state: Uint8Array): Promise<void> {
    this.assertUsable();
    const failure = this.failure();
    if (failure) throw failure;
    this.record.snapshot = state.slice();
    this.record.log = [];
    this.record.writes++;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
  }

  async diskBytes(): Promise<number> {
    const snapshot = this.record.snapshot;
    return (snapshot ? FRAME_HEADER_BYTES + snapshot.length : 0) + this.logBytes;
  }

  private assertUsable(): void {
    if (this.closed) throw new Error(`document ${this.docId} is closed`);
  }
}

/** In-memory store with the file store's contract, for service tests; `failWrites` injects write errors. */
export function createMemoryDocStore(): DocStore & { failWrites(error: Error | null): void } {
  const disk = new Map<string, MemoryRecord>();
  const open = new Map<string, DocHandle>();
  let failure: Error | null = null;
  const stored = (record: MemoryRecord | undefined): boolean =>
    record !== undefined && (record.snapshot !== null || record.log.length > 0);
  return {
    async open(docId) {
      assertDocId(docId);
      if (open.has(docId)) throw new Error(`document ${docId} is already open`);
      let record = disk.get(docId);
      if (record === undefined) {
        record = { snapshot: null, log: [], writes: 0 };
        disk.set(docId, record);
      }
      const handle = new MemoryDocHandle(docId, record, () => failure, () => open.delete(docId));
      open.set(docId, handle);
      const updates = [...(record.snapshot ? [record.snapshot] : []), ...record.log].map((u) => u.slice());
      return { handle, loaded: { updates, isNew: !stored(record) } };
    },
    async exists(docId) {
      assertDocId(docId);
      return stored(disk.get(docId));
    },
    async version(docId) {
      assertDocId(docId);
      const record = disk.get(docId);
      return record && stored(record) ? String(record.writes) : null;
    },
    closeAll() {
      return closeEvery(open.values());
    },
    failWrites(error) {
      failure = error;
    },
  };
}
