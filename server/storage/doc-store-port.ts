/**
 * The storage ports of the collab engine (ports below their users, as lowdb keeps its adapter
 * interface in lowdb): what a live doc needs of durable storage (DocStore, DocHandle) and, in
 * cluster mode, of the other server instances (DocBus). The file store and the memory double
 * (doc-store.ts, memory-doc-store.ts) and the Redis store (server/cluster) implement them; the
 * engine in server/docs sees only these interfaces.
 */

export interface LoadedDoc {
  /** Updates to apply in order (snapshot first, then log frames); empty for a new doc. */
  updates: Uint8Array[];
  /** True when nothing was ever stored for this id. */
  isNew: boolean;
}

export interface DocHandle {
  readonly docId: string;
  /** Bytes in the current log generation (drives the compaction decision). */
  readonly logBytes: number;
  /** Frames appended to the current log generation (loaded + appended). */
  readonly logFrames: number;
  /** Appends one update. The file store writes it with fs.writeSync before returning: after it
   *  returns the update survives a kill -9 of the process; a cluster store returns a promise that
   *  resolves once the update is in Redis. fdatasync is batched (timer, at most every fsyncIntervalMs while dirty).
   *  Throws (e.g. ENOSPC/EROFS/EIO) when the write fails; a failed write leaves no partial frame that
   *  later loads would accept (truncate back to the last good offset if possible). */
  append(update: Uint8Array): void | Promise<void>;
  /** Cluster stores: resolves once every append so far is stored (null when nothing is in
   *  flight). The file store writes synchronously and has nothing in flight. */
  pendingWrites?(): Promise<void> | null;
  /** Crash-safe compaction: `state` is Y.encodeStateAsUpdate(doc) taken *now* (synchronously by the
   *  caller). Synchronously switch appends to log-(gen+1), then asynchronously write snapshot-(gen+1)
   *  (tmp + fsync + rename + dir fsync), then delete older generations. A crash at any point leaves a
   *  loadable set (old snapshot + old log + new log). Calls are serialised (one compaction at a time;
   *  a second call while one runs waits for it and then runs). Rejects on write error (the old files
   *  stay). */
  compact(state: Uint8Array): Promise<void>;
  /** fdatasync anything pending now. */
  flush(): Promise<void>;
  /** flush, then close file descriptors; the handle is unusable after. */
  close(): Promise<void>;
  /** Sizes on disk of this doc's files. */
  diskBytes(): Promise<number>;
}

export interface OpenedDoc {
  handle: DocHandle;
  loaded: LoadedDoc;
  /** Cluster stores: the doc's link to the other instances. */
  bus?: DocBus;
}

export interface DocStore {
  /** Opens (loading and repairing) a doc. Opening an id that is already open throws. */
  open(docId: string): Promise<OpenedDoc>;
  /** True when something is stored for this id (no repair, no open). */
  exists(docId: string): Promise<boolean>;
  /** A cheap label of what is stored for this id, read without reading the doc's content (the
   *  search index checks at start which docs changed since it was written). It changes on every
   *  stored append and on every compaction, and is equal across a restart when nothing changed;
   *  null when nothing is stored. Opening a doc does not change it, except when a load repairs
   *  the doc (a torn log tail cut off). Compare labels for equality only. */
  version(docId: string): Promise<string | null>;
  /** close() every open handle. */
  closeAll(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The cluster link (issue #8). The embedded server has no bus; the Redis store provides one per
// opened doc. The doc service never imports Redis: it sees only this interface.

/** Transaction origin of updates and awareness changes that came from another instance: they are
 *  already stored, so they are relayed to local peers but never appended or published again. */
export const REMOTE_ORIGIN = Symbol('remote instance');

export interface DocBus {
  /** Updates other instances stored, in stream order (the bus catches up after a network blip). */
  onRemoteUpdates(listener: (updates: Uint8Array[]) => void): void;
  /** Sends a y-protocols awareness update of local clients to the other instances. */
  publishAwareness(update: Uint8Array): void;
  onRemoteAwareness(listener: (update: Uint8Array) => void): void;
  /** Another instance just loaded the doc and asks for the presence of everyone connected here. */
  onAwarenessQuery(listener: () => void): void;
  /** True while this instance holds the session's lease (it compacts, checkpoints and builds
   *  server-made structure; exactly one instance at a time). */
  readonly isLeader: boolean;
  /** Runs `build` as the leader once the doc has every stored update applied, so structure the
   *  server adds (sections of new topics) is added once cluster-wide. False: another instance leads. */
  asLeader(build: () => void): Promise<boolean>;
  /** Called when this instance takes over the lease (e.g. the previous leader died). */
  onLeadership(listener: () => void): void;
}
