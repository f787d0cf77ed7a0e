/**
 * Durable first, then visible: every update of a live doc is appended to its log (DocHandle)
 * before it may be relayed. A failed append stops the doc from accepting edits (storageError) and
 * the in-memory state is kept; the next successful compaction clears the error. Compactions run
 * one at a time. Cluster mode: an append resolves once the update is in Redis.
 */
import type { Logger } from '../logger.ts';
import type { DocHandle } from '../storage/doc-store-port.ts';
import type { DocMetrics } from './doc-metrics.ts';
import type { PendingUpdate } from './broadcaster.ts';

export interface DurableLogOptions {
  sessionId: string;
  /** Compact once the current log passes this many bytes. */
  compactLogBytes: number;
  log: Logger;
  metrics: DocMetrics;
  /** An append failed: the doc stops accepting edits (its peers are told). */
  onFailure(error: Error): void;
}

export class DurableLog {
  #handle: DocHandle;
  #options: DurableLogOptions;
  #storageError: Error | null = null;
  #compaction: Promise<void> | null = null;

  constructor(handle: DocHandle, options: DurableLogOptions) {
    this.#handle = handle;
    this.#options = options;
  }

  /** Non-null once a write failed, until a compaction succeeds. */
  get storageError(): Error | null {
    return this.#storageError;
  }

  /** True when the log has grown past compactLogBytes and no compaction runs. */
  get wantsCompaction(): boolean {
    return this.#handle.logBytes > this.#options.compactLogBytes && !this.#compaction;
  }

  /** Appends `pending.update`. False when the write failed at once (the failure is reported). A
   *  write still on its way (cluster) leaves `pending.stored` false and calls `stored` once done. */
  append(pending: PendingUpdate, stored: () => void): boolean {
    const started = performance.now();
    let storing: void | Promise<void>;
    try {
      storing = this.#handle.append(pending.update);
    } catch (error) {
      this.#fail(error as Error);
      return false;
    }
    if (!storing) {
      this.#options.metrics.storeWrite((performance.now() - started) / 1000);
      return true;
    }
    // In Redis only once the promise resolves: relayed by the flush that follows.
    pending.stored = false;
    storing.then(
      () => {
        this.#options.metrics.storeWrite((performance.now() - started) / 1000);
        pending.stored = true;
        stored();
      },
      (error: unknown) => this.#fail(error as Error),
    );
    return true;
  }

  /** Resolves once every append so far is stored (null: nothing in flight; always for files). */
  pendingWrites(): Promise<void> | null {
    return this.#handle.pendingWrites?.() ?? null;
  }

  /** Writes `state()` as a snapshot and starts a new log (one compaction at a time). */
  compact(state: () => Uint8Array): Promise<void> {
    if (this.#compaction) return this.#compaction;
    const compaction = this.#handle.compact(state()).then(
      () => {
        this.#compaction = null;
        if (this.#storageError) {
          this.#options.log.info({ sessionId: this.#options.sessionId }, 'storage works again; accepting edits');
          this.#storageError = null;
        }
      },
      (error: unknown) => {
        this.#compaction = null;
        throw error;
      },
    );
    this.#compaction = compaction;
    return compaction;
  }

  /** Flushes pending fdatasyncs. */
  flush(): Promise<void> {
    return this.#handle.flush();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }

  #fail(error: Error): void {
    // The update stays in memory (and on the sender's device); nobody is told it was saved.
    this.#storageError = error;
    this.#options.log.error({ err: error, sessionId: this.#options.sessionId }, 'update could not be written; doc stops accepting edits');
    this.#options.onFailure(error);
  }
}
