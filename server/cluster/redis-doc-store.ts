// Over ~350 lines: one stream handle; its log, tail position, lease and compaction read and move one position together.
/**
 * Cluster doc store (issue #8): a Redis Stream per session doc is the shared, ordered update log,
 * and a snapshot hash holds the compacted state with the id of the last entry it covers.
 *
 * - append: XADD; the live doc relays an update only once this resolves (in Redis before visible).
 * - load: snapshot + the entries after it, read in one MULTI so a concurrent trim cannot cut between.
 * - follow: the stream tailer delivers entries after the doc's position; entries this instance
 *   wrote were applied before they were added, so they only move the position.
 * - compaction: only the lease holder; a Lua script stores the snapshot only if it covers more than
 *   the stored one, then trims entries older than STREAM_RETAIN_MS *and* covered by it. So two
 *   instances compacting at once cannot lose or double anything, and an instance whose tail lags
 *   (up to the retention) still finds every entry it has not read.
 * - the template of a new doc is stored by the same script (only when nothing is stored): once.
 * - presence goes over pub/sub; it expires by itself when an instance dies.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import * as Y from 'yjs';
import { isValidId } from '../../shared/ids.ts';
import type { Logger } from '../logger.ts';
import type { DocBus, DocHandle, DocStore, LoadedDoc, OpenedDoc } from '../storage/doc-store-port.ts';
import { RedisChannels } from './redis-channels.ts';
import { RedisPresence } from './redis-presence.ts';
import { compareStreamIds, nextStreamId, STREAM_START } from './stream-ids.ts';
import { parseEntries, StreamTailer, type StreamEntry, type StreamFollower } from './stream-tailer.ts';

export interface RedisDocStoreOptions {
  commands: Redis;
  tailer: StreamTailer;
  channels: RedisChannels;
  /** Key prefix of this kind of doc, e.g. "mcpad:notes:". */
  prefix: string;
  /** This instance (tags its stream entries and presence messages). */
  instanceId: string;
  leaseMs: number;
  /** Entries stay in the stream at least this long after a compaction covered them. */
  retainMs: number;
  /** Largest update accepted for appending. */
  maxUpdateBytes: number;
  log: Logger;
}

const FIELD_UPDATE = 'u';
const FIELD_INSTANCE = 'i';

/** Store the snapshot only if it covers more than the stored one and this instance still holds the
 *  lease; then trim. KEYS: snapshot, stream, lease. ARGV: state, coveredId, trimMinId, instanceId.
 *  Returns 1 stored, 0 an equal or newer snapshot is there, -1 the lease is someone else's. */
const COMPACT_SCRIPT = `
local function parse(id)
  local dash = string.find(id, '-')
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function after(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  if am ~= bm then return am > bm end
  return as > bs
end
local stored = redis.call('HGET', KEYS[1], 'lastId')
local leader = redis.call('GET', KEYS[3])
if leader and leader ~= ARGV[4] then return -1 end
if stored and not after(ARGV[2], stored) then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'lastId', ARGV[2])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3])
return 1
`;

/** The doc's version without its content: the id of the last entry ever added to the stream
 *  (XADD ids only grow; trimming keeps it) and the id the snapshot covers (a compaction that
 *  stores a snapshot moves it). KEYS: snapshot, stream. Returns "<snapshot lastId>|<last id>",
 *  or false when nothing is stored. */
const VERSION_SCRIPT = `
local covered = redis.call('HGET', KEYS[1], 'lastId') or ''
local last = ''
if redis.call('EXISTS', KEYS[2]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[2])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last = info[i + 1] end
  end
end
if covered == '' and last == '' then return false end
return covered .. '|' .. last
`;

/** Take the lease when free, renew it when ours. KEYS: lease. ARGV: instanceId, ms. Returns 1 when held. */
const HOLD_LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

/** Give the lease up if it is ours. KEYS: lease. ARGV: instanceId. */
const RELEASE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export function newInstanceId(): string {
  return randomBytes(8).toString('hex');
}

interface DocKeys {
  stream: string;
  snapshot: string;
  lease: string;
  awareness: string;
}

export function createRedisDocStore(options: RedisDocStoreOptions): DocStore {
  const open = new Map<string, RedisDocHandle>();
  // The hash tag keeps a doc's keys in one slot, as Redis Cluster needs for the scripts.
  const keysOf = (docId: string): DocKeys => {
    const base = `${options.prefix}{${docId}}`;
    return { stream: `${base}:stream`, snapshot: `${base}:snapshot`, lease: `${base}:lease`, awareness: `${base}:awareness` };
  };
  return {
    async open(docId) {
      if (!isValidId(docId)) throw new Error(`invalid document id ${JSON.stringify(docId)}`);
      if (open.has(docId)) throw new Error(`doc ${docId} is already open`);
      const keys = keysOf(docId);
      const handle = new RedisDocHandle(docId, keys, options, () => open.delete(docId));
      open.set(docId, handle);
      try {
        return await handle.load();
      } catch (error) {
        open.delete(docId);
        throw error;
      }
    },
    async exists(docId) {
      const keys = keysOf(docId);
      return (await options.commands.exists(keys.snapshot, keys.stream)) > 0;
    },
    async version(docId) {
      if (!isValidId(docId)) throw new Error(`invalid document id ${JSON.stringify(docId)}`);
      const keys = keysOf(docId);
      const version = await options.commands.eval(VERSION_SCRIPT, 2, keys.snapshot, keys.stream);
      return typeof version === 'string' ? version : null;
    },
    async closeAll() {
      await Promise.all([...open.values()].map((handle) => handle.close()));
    },
  };
}

class RedisDocHandle implements DocHandle, DocBus, StreamFollower {
  readonly docId: string;
  logBytes = 0;
  logFrames = 0;
  #keys: DocKeys;
  #options: RedisDocStoreOptions;
  #onClosed: () => void;
  /** Id of the last stream entry applied to the live doc (everything up to it is in the doc). */
  #position = STREAM_START;
  #writesInFlight = 0;
  #lastWrite: Promise<unknown> = Promise.resolve();
  #leaseValidUntil = 0;
  #leaseTimer: NodeJS.Timeout | null = null;
  #closed = false;
  #remoteUpdates: ((updates: Uint8Array[]) => void) | null = null;
  /** Updates that arrived before the live doc listened. */
  #early: Uint8Array[] = [];
  #presence: RedisPresence;
  #leadershipListeners: Array<() => void> = [];

  constructor(docId: string, keys: DocKeys, options: RedisDocStoreOptions, onClosed: () => void) {
    this.docId = docId;
    this.#keys = keys;
    this.#options = options;
    this.#onClosed = onClosed;
    this.#presence = new RedisPresence({ ...options, channel: keys.awareness, docId });
  }

  /** Reads snapshot and stream atomically, then follows the stream and the presence channel. */
  async load(): Promise<OpenedDoc> {
    const { commands } = this.#options;
    const results = await commands.multi().hgetallBuffer(this.#keys.snapshot).xrangeBuffer(this.#keys.stream, '-', '+').exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('the load transaction was aborted');
    const snapshot = results[0]![1] as Record<string, Buffer>;
    const entries = parseEntries(results[1]![1] as Array<[Buffer, Buffer[]]>);
    const updates: Uint8Array[] = [];
    if (snapshot.state && snapshot.lastId) {
      updates.push(new Uint8Array(snapshot.state));
      this.#position = snapshot.lastId.toString();
    }
    for (const entry of entries) {
      if (compareStreamIds(entry.id, this.#position) <= 0) continue;
      const update = this.#validUpdate(entry);
      if (update) {
        updates.push(new Uint8Array(update));
        this.logBytes += update.length;
        this.logFrames++;
      }
      this.#position = entry.id;
    }
    const loaded: LoadedDoc = { updates, isNew: updates.length === 0 };
    this.#options.tailer.follow(this.#keys.stream, this);
    await this.#presence.join();
    this.#leaseTimer = setInterval(() => void this.#renewLease(), Math.max(100, Math.floor(this.#options.leaseMs / 3)));
    this.#leaseTimer.unref();
    return { handle: this, loaded, bus: this };
  }

  // --- DocHandle -------------------------------------------------------------------------------

  append(update: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error(`doc ${this.docId} is closed`);
    if (update.length === 0) throw new RangeError('refusing to store an empty update');
    if (update.length > this.#options.maxUpdateBytes) throw new RangeError(`update of ${update.length} bytes exceeds the maximum ${this.#options.maxUpdateBytes}`);
    this.#writesInFlight++;
    const write = this.#options.commands
      .xadd(this.#keys.stream, '*', FIELD_UPDATE, Buffer.from(update.buffer, update.byteOffset, update.byteLength), FIELD_INSTANCE, this.#options.instanceId)
      .finally(() => this.#writesInFlight--);
    this.#lastWrite = write.catch(() => undefined);
    return write.then(() => undefined);
  }

  pendingWrites(): Promise<void> | null {
    // One connection, in order: once the newest write is answered, every earlier one is too.
    return this.#writesInFlight > 0 ? this.#lastWrite.then(() => undefined) : null;
  }

  async compact(state: Uint8Array): Promise<void> {
    // The caller encoded `state` just now: it holds every entry up to the position at this moment.
    const covered = this.#position;
    this.logBytes = 0;
    this.logFrames = 0;
    if (!(await this.#holdLease())) return;
    const retainFrom = `${Math.max(0, Date.now() - this.#options.retainMs)}-0`;
    const coveredNext = nextStreamId(covered);
    const trimMinId = compareStreamIds(retainFrom, coveredNext) < 0 ? retainFrom : coveredNext;
    const outcome = await this.#options.commands.eval(
      COMPACT_SCRIPT,
      3,
      this.#keys.snapshot,
      this.#keys.stream,
      this.#keys.lease,
      Buffer.from(state.buffer, state.byteOffset, state.byteLength),
      covered,
      trimMinId,
      this.#options.instanceId,
    );
    if (outcome === -1) this.#leaseValidUntil = 0;
  }

  async flush(): Promise<void> {
    await this.pendingWrites();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#leaseTimer) clearInterval(this.#leaseTimer);
    this.#options.tailer.unfollow(this.#keys.stream);
    await this.#presence.leave();
    await this.flush();
    if (this.isLeader) {
      this.#leaseValidUntil = 0;
      await this.#options.commands.eval(RELEASE_LEASE_SCRIPT, 1, this.#keys.lease, this.#options.instanceId).catch(() => undefined);
    }
    this.#onClosed();
  }

  async diskBytes(): Promise<number> {
    const sizes = await Promise.all([this.#keys.snapshot, this.#keys.stream].map((key) => this.#options.commands.memory('USAGE', key)));
    return sizes.reduce<number>((sum, size) => sum + (Number(size) || 0), 0);
  }

  // --- StreamFollower --------------------------------------------------------------------------

  position(): string {
    return this.#position;
  }

  deliver(entries: StreamEntry[]): void {
    const updates: Uint8Array[] = [];
    for (const entry of entries) {
      if (compareStreamIds(entry.id, this.#position) <= 0) continue;
      this.#position = entry.id;
      // Own entries were applied (and checked) before they were added: counted, not decoded again.
      const own = entry.fields.get(FIELD_INSTANCE)?.toString() === this.#options.instanceId;
      const update = own ? entry.fields.get(FIELD_UPDATE) : this.#validUpdate(entry);
      if (!update) continue;
      this.logBytes += update.length;
      this.logFrames++;
      if (!own) updates.push(new Uint8Array(update));
    }
    this.#emitRemote(updates);
  }

  resync(): Promise<void> {
    return this.catchUp();
  }

  // --- DocBus ----------------------------------------------------------------------------------

  get isLeader(): boolean {
    return Date.now() < this.#leaseValidUntil;
  }

  onRemoteUpdates(listener: (updates: Uint8Array[]) => void): void {
    this.#remoteUpdates = listener;
    const early = this.#early;
    this.#early = [];
    this.#emitRemote(early);
  }

  publishAwareness(update: Uint8Array): void {
    this.#presence.publish(update);
  }

  onRemoteAwareness(listener: (update: Uint8Array) => void): void {
    this.#presence.onRemoteAwareness(listener);
  }

  onAwarenessQuery(listener: () => void): void {
    this.#presence.onAwarenessQuery(listener);
  }

  async asLeader(build: () => void): Promise<boolean> {
    if (!(await this.#holdLease())) return false;
    await this.catchUp();
    if (this.#closed || !this.isLeader) return false;
    build();
    return true;
  }

  onLeadership(listener: () => void): void {
    this.#leadershipListeners.push(listener);
  }

  /**
   * Applies what the stream holds after the position, now. When a compaction already trimmed
   * entries this instance never read (it was cut off longer than the retention), the snapshot
   * that covers them is applied first (Yjs merges what the doc already has).
   */
  async catchUp(): Promise<void> {
    const { commands } = this.#options;
    const from = this.#position;
    const results = await commands
      .multi()
      .hget(this.#keys.snapshot, 'lastId')
      .xrangeBuffer(this.#keys.stream, '-', '+', 'COUNT', 1)
      .xrangeBuffer(this.#keys.stream, `(${from}`, '+')
      .exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('the catch-up transaction was aborted');
    const snapshotLastId = results[0]![1] as string | null;
    const oldest = parseEntries(results[1]![1] as Array<[Buffer, Buffer[]]>)[0]?.id ?? null;
    const missedTrim = snapshotLastId !== null && compareStreamIds(snapshotLastId, from) > 0 && (oldest === null || compareStreamIds(oldest, nextStreamId(from)) > 0);
    if (missedTrim) {
      const state = await commands.hgetBuffer(this.#keys.snapshot, 'state');
      if (state) this.#emitRemote([new Uint8Array(state)]);
      this.#options.log.warn({ docId: this.docId, from, snapshotLastId }, 'stream trimmed past this instance; applied the snapshot');
    }
    this.deliver(parseEntries(results[2]![1] as Array<[Buffer, Buffer[]]>));
  }

  // --- internals -------------------------------------------------------------------------------

  /**
   * The entry's update, or null when it has none or it does not decode as a Yjs update (issue
   * #13): Redis is an input like any other. A bad entry is logged and skipped alone; the position
   * still moves past it and the rest of the batch is applied.
   */
  #validUpdate(entry: StreamEntry): Buffer | null {
    const update = entry.fields.get(FIELD_UPDATE);
    if (!update) return null;
    try {
      Y.decodeUpdate(new Uint8Array(update));
      return update;
    } catch (error) {
      this.#options.log.warn({ err: error, docId: this.docId, entryId: entry.id }, 'skipped a stream entry that is not a valid Yjs update');
      return null;
    }
  }

  #emitRemote(updates: Uint8Array[]): void {
    if (updates.length === 0) return;
    if (this.#remoteUpdates) this.#remoteUpdates(updates);
    else this.#early.push(...updates);
  }

  async #holdLease(): Promise<boolean> {
    if (this.#closed) return false;
    const requested = Date.now();
    const held = await this.#options.commands.eval(HOLD_LEASE_SCRIPT, 1, this.#keys.lease, this.#options.instanceId, String(this.#options.leaseMs));
    // Counted from before the request: this instance never thinks it leads longer than Redis does.
    this.#leaseValidUntil = held === 1 ? requested + this.#options.leaseMs : 0;
    return held === 1;
  }

  async #renewLease(): Promise<void> {
    const wasLeader = this.isLeader;
    try {
      const leads = await this.#holdLease();
      if (leads && !wasLeader && !this.#closed) {
        await this.catchUp();
        for (const listener of this.#leadershipListeners) listener();
      }
    } catch (error) {
      this.#options.log.warn({ err: error, docId: this.docId }, 'lease renewal failed');
    }
  }
}
