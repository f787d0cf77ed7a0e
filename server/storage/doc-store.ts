// Over ~350 lines: the file backend's append, load, compaction and crash recovery share one frame format and folder layout.
/**
 * Durable per-document update store. Each document lives in `<rootDir>/<docId>/` as generations:
 * `snapshot-<gen>.bin` (one frame, a full Yjs state; written via tmp + fsync + rename) and
 * `log-<gen>.bin` (one frame per update, append-only). Invariant: snapshot-K holds everything
 * in the logs of generations below K, so a load is "newest valid snapshot + logs from its
 * generation on", and every crash point of a compaction leaves such a set on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DocHandle, DocStore, LoadedDoc } from './doc-store-port.ts';
import { assertAppendable, assertDocId, closeEvery } from './doc-store-checks.ts';
import { writeFileDurably } from './durable-file.ts';
import { decodeFrames, decodeSingleFrame, encodeFrame } from './frame-codec.ts';

export type { DocBus, DocHandle, DocStore, LoadedDoc, OpenedDoc } from './doc-store-port.ts';

export interface DocStoreOptions {
  rootDir: string; // created if missing
  fsyncIntervalMs: number; // group fdatasync at most this often while a log is dirty
  maxFrameBytes: number; // a frame longer than this on load is treated as corruption
  onWarning?: (docId: string, message: string) => void; // torn tail truncated, corrupt older log, etc.
}

const GENERATION_FILE = /^(snapshot|log)-(0|[1-9][0-9]{0,14})\.bin$/;
const snapshotName = (gen: number): string => `snapshot-${gen}.bin`;
const logName = (gen: number): string => `log-${gen}.bin`;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Callback forms (looked up at call time) run on the libuv pool, off the main thread.
function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

/** fsync of a directory makes the creation, rename or removal of its entries durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface GenerationFiles {
  snapshots: number[];
  logs: number[];
  tmp: string[];
}

async function scanDocDir(dir: string): Promise<GenerationFiles> {
  const files: GenerationFiles = { snapshots: [], logs: [], tmp: [] };
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return files;
    throw err;
  }
  for (const name of names) {
    const match = GENERATION_FILE.exec(name);
    if (match) (match[1] === 'snapshot' ? files.snapshots : files.logs).push(Number(match[2]));
    else if (name.endsWith('.tmp')) files.tmp.push(name);
  }
  files.snapshots.sort((a, b) => a - b);
  files.logs.sort((a, b) => a - b);
  return files;
}

/** One log generation open for appending, with its batched fdatasync. */
class LogWriter {
  private dirty = false;
  private syncing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private truncatePending = false;
  private closed = false;

  constructor(
    private readonly fd: number,
    readonly gen: number,
    public bytes: number,
    public frames: number,
    private readonly syncIntervalMs: number,
    private readonly onSyncError: (err: unknown) => void,
  ) {}

  append(frame: Buffer): void {
    if (this.truncatePending) {
      fs.ftruncateSync(this.fd, this.bytes);
      this.truncatePending = false;
    }
    let written = 0;
    try {
      while (written < frame.length) written += fs.writeSync(this.fd, frame, written);
    } catch (err) {
      // The kernel may have taken part of the frame; frames appended after a partial one would
      // be unreadable, so cut back now or before the next append.
      try {
        fs.ftruncateSync(this.fd, this.bytes);
      } catch {
        this.truncatePending = true;
      }
      throw err;
    }
    this.bytes += frame.length;
    this.frames += 1;
    this.dirty = true;
    this.scheduleSync();
  }

  async flush(): Promise<void> {
    // A sync already in flight may have started before the latest append: wait, then sync again.
    while (this.syncing !== null || this.dirty) {
      if (this.syncing !== null) {
        await this.syncing.catch(() => undefined);
        continue;
      }
      this.dirty = false;
      this.syncing = fdatasync(this.fd).finally(() => {
        this.syncing = null;
      });
      try {
        await this.syncing;
      } catch (err) {
        this.dirty = true;
        throw err;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      if (this.truncatePending) fs.ftruncateSync(this.fd, this.bytes);
      await this.flush();
    } finally {
      await closeFd(this.fd);
    }
  }

  private scheduleSync(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(this.onSyncError);
    }, this.syncIntervalMs);
    this.timer.unref();
  }
}

class FileDocHandle implements DocHandle {
  private log: LogWriter;
  private compactions: Promise<void> = Promise.resolve();
  private readonly retiring = new Set<Promise<void>>();
  private closing: Promise<void> | null = null;

  constructor(
    readonly docId: string,
    private readonly dir: string,
    log: LogWriter,
    private readonly options: DocStoreOptions,
    private readonly onClosed: () => void,
  ) {
    this.log = log;
  }

  get logBytes(): number {
    return this.log.bytes;
  }

  get logFrames(): number {
    return this.log.frames;
  }

  append(update: Uint8Array): void {
    this.assertUsable();
    assertAppendable(update, this.options.maxFrameBytes);
    this.log.append(encodeFrame(update));
  }

  compact(state: Uint8Array): Promise<void> {
    try {
      this.assertUsable();
      // The switch happens now, even when an earlier compaction is still writing: `state`
      // covers exactly what was appended before this call, and everything after goes to the
      // new log, which no snapshot up to this generation will replace.
      const old = this.log;
      this.log = openLogWriter(this.dir, old.gen + 1, 0, 0, this.options, this.docId);
      const oldClosed = this.retire(old);
      const gen = this.log.gen;
      const run = this.compactions.then(() => this.writeSnapshot(gen, state, oldClosed));
      this.compactions = run.catch(() => undefined);
      return run;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.retiring);
    await this.log.flush();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.compactions;
        await Promise.all(this.retiring);
        await this.log.close();
      } finally {
        this.onClosed();
      }
    })();
    return this.closing;
  }

  async diskBytes(): Promise<number> {
    let total = 0;
    for (const name of await fs.promises.readdir(this.dir)) {
      const stat = await fs.promises.stat(path.join(this.dir, name)).catch(() => null);
      total += stat?.size ?? 0;
    }
    return total;
  }

  private assertUsable(): void {
    if (this.closing !== null) throw new Error(`document ${this.docId} is closed`);
  }

  /** Syncs and closes a log that no longer takes appends; never rejects (warns instead). */
  private retire(log: LogWriter): Promise<void> {
    const done = log.close().catch((err: unknown) => {
      this.warn(`closing ${logName(log.gen)} failed: ${errorText(err)}`);
    });
    this.retiring.add(done);
    void done.then(() => this.retiring.delete(done));
    return done;
  }

  private async writeSnapshot(gen: number, state: Uint8Array, oldClosed: Promise<void>): Promise<void> {
    // Until the snapshot exists the old log is the only copy of its updates: have it synced first.
    await oldClosed;
    await writeFileDurably(path.join(this.dir, snapshotName(gen)), encodeFrame(state));
    // Also makes the new log's directory entry durable. Must precede deleting what it replaces.
    await syncDir(this.dir);
    const files = await scanDocDir(this.dir);
    await removeGenerationsBelow(this.dir, files, gen, (msg) => this.warn(msg));
  }

  private warn(message: string): void {
    this.options.onWarning?.(this.docId, message);
  }
}

function openLogWriter(
  dir: string,
  gen: number,
  bytes: number,
  frames: number,
  options: DocStoreOptions,
  docId: string,
): LogWriter {
  const fd = fs.openSync(path.join(dir, logName(gen)), 'a');
  return new LogWriter(fd, gen, bytes, frames, options.fsyncIntervalMs, (err) =>
    options.onWarning?.(docId, `fdatasync of ${logName(gen)} failed: ${errorText(err)}`),
  );
}

async function removeGenerationsBelow(
  dir: string,
  files: GenerationFiles,
  gen: number,
  warn: (message: string) => void,
): Promise<void> {
  const names = [
    ...files.snapshots.filter((g) => g < gen).map(snapshotName),
    ...files.logs.filter((g) => g < gen).map(logName),
  ];
  for (const name of names) {
    // Leftovers are harmless (the snapshot covers them) and get removed by the next load.
    await fs.promises.rm(path.join(dir, name), { force: true }).catch((err: unknown) => {
      warn(`removing ${name} failed: ${errorText(err)}`);
    });
  }
}

/** Cuts a damaged log back to its valid prefix, durably, so later appends follow good frames. */
async function truncateDurably(file: string, length: number): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function loadDoc(
  docId: string,
  options: DocStoreOptions,
  onClosed: () => void,
): Promise<{ handle: DocHandle; loaded: LoadedDoc }> {
  const dir = path.join(options.rootDir, docId);
  const warn = (message: string): void => options.onWarning?.(docId, message);
  const createdDir = await fs.promises.mkdir(dir, { recursive: true });
  const files = await scanDocDir(dir);
  for (const name of files.tmp) await fs.promises.rm(path.join(dir, name), { force: true });

  const updates: Uint8Array[] = [];
  let baseGen: number | null = null;
  for (const gen of [...files.snapshots].reverse()) {
    const decoded = decodeSingleFrame(await fs.promises.readFile(path.join(dir, snapshotName(gen))));
    if ('payload' in decoded) {
      updates.push(decoded.payload);
      baseGen = gen;
      break;
    }
    warn(`${snapshotName(gen)} is invalid (${decoded.problem}); falling back to an older generation`);
  }

  // Never reuse a generation number, not even that of an invalid snapshot.
  const currentGen = Math.max(0, ...files.snapshots, ...files.logs);
  const logs = files.logs.filter((gen) => gen >= (baseGen ?? 0));
  let storedLogBytes = 0;
  let current = { bytes: 0, frames: 0 };
  for (const gen of logs) {
    const file = path.join(dir, logName(gen));
    const data = await fs.promises.readFile(file);
    storedLogBytes += data.length;
    const decoded = decodeFrames(data, options.maxFrameBytes);
    for (const payload of decoded.payloads) updates.push(payload);
    if (decoded.problem !== null) {
      const where = `${logName(gen)} at offset ${decoded.validBytes}: ${decoded.problem}`;
      const dropped = data.length - decoded.validBytes;
      if (gen === logs.at(-1)) {
        // The newest log is where an interrupted append lands: a torn tail is expected there.
        await truncateDurably(file, decoded.validBytes);
        warn(`${where}; truncated ${dropped} bytes`);
      } else {
        warn(`${where}; corruption, ignored the remaining ${dropped} bytes`);
      }
    }
    if (gen === currentGen) current = { bytes: decoded.validBytes, frames: decoded.payloads.length };
  }

  await removeGenerationsBelow(dir, files, baseGen ?? 0, warn);
  const log = openLogWriter(dir, currentGen, current.bytes, current.frames, options, docId);
  try {
    if (!files.logs.includes(currentGen)) await syncDir(dir);
    if (createdDir !== undefined) await syncDir(options.rootDir);
  } catch (err) {
    await log.close().catch(() => undefined);
    throw err;
  }
  const isNew = files.snapshots.length === 0 && storedLogBytes === 0;
  const handle = new FileDocHandle(docId, dir, log, options, onClosed);
  return { handle, loaded: { updates, isNew } };
}


/** Creates the file-backed store described at the top of this module. */
export function createFileDocStore(options: DocStoreOptions): DocStore {
  // null marks an id whose open is in progress, so a concurrent open of it fails too.
  const open = new Map<string, DocHandle | null>();
  return {
    async open(docId) {
      assertDocId(docId);
      if (open.has(docId)) throw new Error(`document ${docId} is already open`);
      open.set(docId, null);
      try {
        const result = await loadDoc(docId, options, () => open.delete(docId));
        open.set(docId, result.handle);
        return result;
      } catch (err) {
        open.delete(docId);
        throw err;
      }
    },
    async exists(docId) {
      assertDocId(docId);
      const dir = path.join(options.rootDir, docId);
      const files = await scanDocDir(dir);
      if (files.snapshots.length > 0) return true;
      for (const gen of files.logs) {
        const stat = await fs.promises.stat(path.join(dir, logName(gen))).catch(() => null);
        if ((stat?.size ?? 0) > 0) return true;
      }
      return false;
    },
    async version(docId) {
      assertDocId(docId);
      // One readdir and one stat, no content: "<newest generation>:<bytes of its log>". An append
      // grows the log; a compaction switches to the next generation at once (compact()).
      const dir = path.join(options.rootDir, docId);
      const files = await scanDocDir(dir);
      const gen = Math.max(-1, ...files.snapshots, ...files.logs);
      const size = async (g: number): Promise<number> => (await fs.promises.stat(path.join(dir, logName(g))).catch(() => null))?.size ?? 0;
      const bytes = gen < 0 ? 0 : await size(gen);
      // Nothing stored (as exists() says): no snapshot and only empty logs (a doc opened, never written).
      if (files.snapshots.length === 0 && bytes === 0) {
        let older = 0;
        for (const g of files.logs) if (g !== gen) older += await size(g);
        if (older === 0) return null;
      }
      return `${gen}:${bytes}`;
    },
    closeAll() {
      return closeEvery([...open.values()].filter((handle) => handle !== null));
    },
  };
}
