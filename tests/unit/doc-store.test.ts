// Over ~350 lines: the file store's own behaviour (frames, torn tails, kill -9, fsync batching) beyond the shared contract.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  createFileDocStore,
  type DocHandle,
  type DocStore,
  type DocStoreOptions,
} from '../../server/storage/doc-store.ts';
import { createMemoryDocStore } from '../../server/storage/memory-doc-store.ts';
import { encodeFrame } from '../../server/storage/frame-codec.ts';

const DOC = 'containers-cr';
const STORE_MODULE = fileURLToPath(new URL('../../server/storage/doc-store.ts', import.meta.url));

let tmp: string;
let rootDir: string;
let warnings: string[];
let stores: DocStore[];

beforeEach(async () => {
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mcpad-doc-store-'));
  rootDir = path.join(tmp, 'root');
  warnings = [];
  stores = [];
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await Promise.allSettled(stores.map((store) => store.closeAll()));
  await fs.promises.rm(tmp, { recursive: true, force: true });
});

function fileStore(overrides: Partial<DocStoreOptions> = {}): DocStore {
  const store = createFileDocStore({
    rootDir,
    fsyncIntervalMs: 20,
    maxFrameBytes: 1024 * 1024,
    onWarning: (docId, message) => warnings.push(`${docId}: ${message}`),
    ...overrides,
  });
  stores.push(store);
  return store;
}

const docDir = (docId = DOC): string => path.join(rootDir, docId);
const docFile = (name: string, docId = DOC): string => path.join(docDir(docId), name);
const listDoc = (docId = DOC): string[] => fs.readdirSync(docDir(docId)).sort();
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const asArrays = (updates: Uint8Array[]): number[][] => updates.map((u) => [...u]);

/** A Y.Doc whose every local update goes to `handle` (what the service does). */
function editor(handle: DocHandle): { doc: Y.Doc; text: Y.Text } {
  const doc = new Y.Doc();
  doc.on('update', (update: Uint8Array) => handle.append(update));
  return { doc, text: doc.getText('body') };
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('body').toString();
}

/** Flips the bits of one byte of a file (a negative index counts from the end). */
function flipByte(file: string, index: number): void {
  const data = fs.readFileSync(file);
  const at = index < 0 ? data.length + index : index;
  data.writeUInt8(data.readUInt8(at) ^ 0xff, at);
  fs.writeFileSync(file, data);
}

/** Opens the doc, writes `payloads` as raw frames, closes; returns the log file path. */
async function storeRaw(store: DocStore, payloads: Uint8Array[]): Promise<string> {
  const { handle } = await store.open(DOC);
  for (const payload of payloads) handle.append(payload);
  await handle.close();
  return docFile('log-0.bin');
}

describe('file doc store: append and reload', () => {
  it('reloads the same content after appending and closing', async () => {
    const store = fileStore();
    expect(await store.exists(DOC)).toBe(false);
    const { handle, loaded } = await store.open(DOC);
    expect(loaded).toEqual({ updates: [], isNew: true });
    const { doc, text } = editor(handle);
    text.insert(0, 'Hello');
    text.insert(5, ', world');
    text.delete(0, 1);
    text.insert(0, 'h');
    expect(handle.logFrames).toBe(4);
    await handle.close();

    expect(await store.exists(DOC)).toBe(true);
    const reopened = await store.open(DOC);
    expect(reopened.loaded.isNew).toBe(false);
    expect(reopened.loaded.updates).toHaveLength(4);
    expect(textOf(reopened.loaded.updates)).toBe(text.toString());
    expect(textOf(reopened.loaded.updates)).toBe('hello, world');
    expect(reopened.handle.logFrames).toBe(4);
    expect(reopened.handle.logBytes).toBe(fs.statSync(docFile('log-0.bin')).size);
    expect(await reopened.handle.diskBytes()).toBe(reopened.handle.logBytes);
    expect(warnings).toEqual([]);
    doc.destroy();
  });

  it('keeps appending after a reload', async () => {
    const store = fileStore();
    await storeRaw(store, [bytes(1), bytes(2)]);
    const { handle, loaded } = await store.open(DOC);
    expect(asArrays(loaded.updates)).toEqual([[1], [2]]);
    handle.append(bytes(3));
    expect(handle.logFrames).toBe(3);
    await handle.close();
    expect(asArrays((await store.open(DOC)).loaded.updates)).toEqual([[1], [2], [3]]);
  });

  it('reloads 10,000 small Y.Text edits', async () => {
    const store = fileStore();
    const { handle } = await store.open(DOC);
    const { doc, text } = editor(handle);
    for (let i = 0; i < 10_000; i++) {
      if (i % 7 === 6) text.delete(text.length - 1, 1);
      else text.insert(i % 3 === 0 ? 0 : text.length, String.fromCharCode(97 + (i % 26)));
    }
    expect(handle.logFrames).toBe(10_000);
    await handle.close();

    const { loaded } = await store.open(DOC);
    expect(loaded.updates).toHaveLength(10_000);
    expect(textOf(loaded.updates)).toBe(text.toString());
    expect(text.length).toBeGreaterThan(7000);
    doc.destroy();
  });

  it('an update survives kill -9 right after append returns, without any fdatasync', async () => {
    const count = 200;
    // A huge interval: nothing is fdatasynced before the kill, only written to the OS.
    const script = `
      import { createFileDocStore } from ${JSON.stringify(STORE_MODULE)};
      const store = createFileDocStore({ rootDir: ${JSON.stringify(rootDir)}, fsyncIntervalMs: 3600000, maxFrameBytes: 1048576 });
      const { handle } = await store.open(${JSON.stringify(DOC)});
      for (let i = 0; i < ${count}; i++) handle.append(Uint8Array.of(i % 256, 42));
      process.stdout.write('appended\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => String(chunk).includes('appended') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const { loaded } = await fileStore().open(DOC);
    expect(asArrays(loaded.updates)).toEqual(Array.from({ length: count }, (_, i) => [i % 256, 42]));
    expect(warnings).toEqual([]);
  });
});

describe('file doc store: damaged logs', () => {
  it('truncates a torn last frame, keeps every complete frame and warns', async () => {
    const store = fileStore();
    const log = await storeRaw(store, [bytes(1, 1), bytes(2, 2), bytes(3, 3, 3, 3)]);
    const goodLength = 2 * (8 + 2);
    fs.truncateSync(log, goodLength + 8 + 2); // header + half of the last payload

    const { handle, loaded } = await store.open(DOC);
    expect(asArrays(loaded.updates)).toEqual([[1, 1], [2, 2]]);
    expect(fs.statSync(log).size).toBe(goodLength);
    expect(handle.logBytes).toBe(goodLength);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/log-0\.bin at offset 20: torn frame.*truncated 10 bytes/);

    // New frames follow the good ones, so the next load sees them and needs no repair.
    handle.append(bytes(4));
    await handle.close();
    expect(asArrays((await store.open(DOC)).loaded.updates)).toEqual([[1, 1], [2, 2], [4]]);
    expect(warnings).toHaveLength(1);
  });

  it('truncates garbage appended after the last frame', async () => {
    const store = fileStore();
    const log = await storeRaw(store, [bytes(1), bytes(2)]);
    const goodLength = fs.statSync(log).size;
    fs.appendFileSync(log, Buffer.from('not a frame at all, just junk bytes'));

    const { loaded } = await store.open(DOC);
    expect(asArrays(loaded.updates)).toEqual([[1], [2]]);
    expect(fs.statSync(log).size).toBe(goodLength);
    expect(warnings).toEqual([expect.stringMatching(/log-0\.bin.*truncated 35 bytes/)]);
  });

  it('drops a last frame whose CRC does not match', async () => {
    const store = fileStore();
    const log = await storeRaw(store, [bytes(1), bytes(2), bytes(3, 4, 5)]);
    flipByte(log, -1);

    const { loaded } = await store.open(DOC);
    expect(asArrays(loaded.updates)).toEqual([[1], [2]]);
    expect(fs.statSync(log).size).toBe(2 * 9);
    expect(warnings).toEqual([expect.stringMatching(/CRC mismatch.*truncated 11 bytes/)]);
  });

  it('treats a frame longer than maxFrameBytes as corruption', async () => {
    const store = fileStore({ maxFrameBytes: 16 });
    const log = await storeRaw(store, [bytes(1), bytes(2)]);
    fs.appendFileSync(log, encodeFrame(new Uint8Array(17).fill(9)));

    const { loaded } = await store.open(DOC);
    expect(asArrays(loaded.updates)).toEqual([[1], [2]]);
    expect(fs.statSync(log).size).toBe(2 * 9);
    expect(warnings).toEqual([expect.stringMatching(/frame length 17 exceeds the maximum 16/)]);
  });

  it('skips the rest of a corrupt older log, warns, and still reads the newer log', async () => {
    const store = fileStore();
    fs.mkdirSync(docDir(), { recursive: true });
    const corrupt = encodeFrame(bytes(2));
    corrupt.writeUInt8(corrupt.readUInt8(8) ^ 0xff, 8);
    const older = Buffer.concat([encodeFrame(bytes(1)), corrupt, encodeFrame(bytes(3))]);
    fs.writeFileSync(docFile('log-0.bin'), older);
    fs.writeFileSync(docFile('log-1.bin'), Buffer.concat([encodeFrame(bytes(4)), encodeFrame(bytes(5))]));

    const { handle, loaded } = await store.open(DOC);
    expect(asArrays(loaded.updates)).toEqual([[1], [4], [5]]);
    expect(warnings).toEqual([expect.stringMatching(/log-0\.bin at offset 9: CRC mismatch; corruption/)]);
    // Only the newest log is ever truncated; appends continue in it.
    expect(fs.statSync(docFile('log-0.bin')).size).toBe(older.length);
    expect(handle.logFrames).toBe(2);
  });
});

describe('file doc store: compaction', () => {
  it('reloads the same content from the snapshot and removes the old generation', async () => {
    const store = fileStore();
    const { handle } = await store.open(DOC);
    const { doc, text } = editor(handle);
    for (const word of ['alpha ', 'beta ', 'gamma ']) text.insert(text.length, word);
    expect(handle.logFrames).toBe(3);

    await handle.compact(Y.encodeStateAsUpdate(doc));
    expect(handle.logFrames).toBe(0);
    expect(handle.logBytes).toBe(0);
    expect(listDoc()).toEqual(['log-1.bin', 'snapshot-1.bin']);
    text.insert(0, '> ');
    expect(handle.logFrames).toBe(1);
    expect(await handle.diskBytes()).toBe(
      fs.statSync(docFile('snapshot-1.bin')).size + fs.statSync(docFile('log-1.bin')).size,
    );
    await handle.close();

    const { loaded } = await store.open(DOC);
    expect(loaded.updates).toHaveLength(2); // the snapshot, then the one newer update
    expect(textOf(loaded.updates)).toBe('> alpha beta gamma ');
    expect(warnings).toEqual([]);
    doc.destroy();
  });

  it('keeps updates appended while a compaction is writing, across queued compactions', async () => {
    const store = fileStore();
    const { handle } = await store.open(DOC);
    const { doc, text } = editor(handle);
    text.insert(0, 'one ');
    const first = handle.compact(Y.encodeStateAsUpdate(doc));
    text.insert(text.length, 'two ');
    const second = handle.compact(Y.encodeStateAsUpdate(doc));
    text.insert(text.length, 'three');
    await Promise.all([first, second]);
    expect(listDoc()).toEqual(['log-2.bin', 'snapshot-2.bin']);
    expect(handle.logFrames).toBe(1);
    await handle.close();

    const { loaded } = await store.open(DOC);
    expect(textOf(loaded.updates)).toBe('one two three');
    doc.destroy();
  });

  it('a failed snapshot write rejects, keeps the old files, and loses nothing', async () => {
    const store = fileStore();
    const { handle } = await store.open(DOC);
    const { doc, text } = editor(handle);
    text.insert(0, 'kept');
    const rename = vi.spyOn(fs.promises, 'rename').mockRejectedValueOnce(
      Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }),
    );
    const failing = handle.compact(Y.encodeStateAsUpdate(doc));
    text.insert(4, ' after');
    await expect(failing).rejects.toThrow(/ENOSPC/);
    expect(rename).toHaveBeenCalledTimes(1);
    expect(listDoc()).toEqual(['log-0.bin', 'log-1.bin']);

    // The store stays usable: a later compaction covers both logs.
    text.insert(text.length, '!');
    await handle.compact(Y.encodeStateAsUpdate(doc));
    expect(listDoc()).toEqual(['log-2.bin', 'snapshot-2.bin']);
    await handle.close();
    expect(textOf((await store.open(DOC)).loaded.updates)).toBe('kept after!');
    doc.destroy();
  });

  describe('crash in the middle of a compaction', () => {
    /**
     * Builds generation 1 (snapshot-1 + log-1), then starts compaction 2 and copies the doc
     * directory right after the synchronous switch (log-2 exists, snapshot-2 not yet), with
     * updates in both logs. Returns the copies of both states and the expected text.
     */
    async function compactionStates(): Promise<{ midway: string; done: string; expected: string }> {
      const store = fileStore();
      const { handle } = await store.open(DOC);
      const { doc, text } = editor(handle);
      text.insert(0, 'base ');
      await handle.compact(Y.encodeStateAsUpdate(doc));
      text.insert(text.length, 'in-log-1 ');
      const compaction = handle.compact(Y.encodeStateAsUpdate(doc));
      text.insert(text.length, 'in-log-2');
      const midway = path.join(tmp, 'midway');
      fs.cpSync(docDir(), midway, { recursive: true });
      await compaction;
      await handle.close();
      const done = path.join(tmp, 'done');
      fs.cpSync(docDir(), done, { recursive: true });
      const expected = text.toString();
      doc.destroy();
      return { midway, done, expected };
    }

    function restore(...dirs: string[]): void {
      fs.rmSync(docDir(), { recursive: true });
      for (const dir of dirs) fs.cpSync(dir, docDir(), { recursive: true, force: true });
    }

    it('snapshot not written yet (new log present): old snapshot + both logs', async () => {
      const { midway, expected } = await compactionStates();
      restore(midway);
      expect(listDoc()).toEqual(['log-1.bin', 'log-2.bin', 'snapshot-1.bin']);

      const { handle, loaded } = await fileStore().open(DOC);
      expect(textOf(loaded.updates)).toBe(expected);
      expect(loaded.updates).toHaveLength(3); // snapshot-1, log-1, log-2
      expect(handle.logFrames).toBe(1); // appends continue in log-2
      expect(listDoc()).toEqual(['log-1.bin', 'log-2.bin', 'snapshot-1.bin']);
      expect(warnings).toEqual([]);
    });

    it('half-written snapshot-2.bin.tmp left behind: ignored and removed', async () => {
      const { midway, done, expected } = await compactionStates();
      restore(midway);
      const snapshot = fs.readFileSync(path.join(done, 'snapshot-2.bin'));
      fs.writeFileSync(docFile('snapshot-2.bin.tmp'), snapshot.subarray(0, snapshot.length >> 1));

      const { loaded } = await fileStore().open(DOC);
      expect(textOf(loaded.updates)).toBe(expected);
      expect(listDoc()).toEqual(['log-1.bin', 'log-2.bin', 'snapshot-1.bin']);
    });

    it('snapshot renamed but old generation not yet deleted: loads the new one, removes the old', async () => {
      const { midway, done, expected } = await compactionStates();
      restore(midway, done);
      expect(listDoc()).toEqual(['log-1.bin', 'log-2.bin', 'snapshot-1.bin', 'snapshot-2.bin']);

      const { loaded } = await fileStore().open(DOC);
      expect(textOf(loaded.updates)).toBe(expected);
      expect(loaded.updates).toHaveLength(2); // snapshot-2 and log-2 only: log-1 is not replayed
      expect(listDoc()).toEqual(['log-2.bin', 'snapshot-2.bin']);
    });

    it('a corrupt newest snapshot falls back to the previous generation', async () => {
      const { midway, done, expected } = await compactionStates();
      restore(midway, done);
      flipByte(docFile('snapshot-2.bin'), -1);

      const { handle, loaded } = await fileStore().open(DOC);
      expect(textOf(loaded.updates)).toBe(expected);
      expect(warnings).toEqual([expect.stringMatching(/snapshot-2\.bin is invalid \(CRC mismatch\)/)]);
      // The next compaction gets a fresh generation number and replaces everything.
      await handle.compact(Y.encodeStateAsUpdate(docFrom(loaded.updates)));
      expect(listDoc()).toEqual(['log-3.bin', 'snapshot-3.bin']);
    });
  });
});

function docFrom(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

describe('file doc store: write failures and limits', () => {
  const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

  /** The next writeSync writes only `taken` bytes, the one after it fails with ENOSPC. */
  function failWriteAfter(taken: number) {
    const realWrite = fs.writeSync;
    const partial = (fd: number, buffer: Buffer): number => realWrite(fd, buffer, 0, taken);
    return vi
      .spyOn(fs, 'writeSync')
      .mockImplementationOnce(partial as typeof fs.writeSync)
      .mockImplementationOnce(() => {
        throw enospc();
      });
  }

  it('a failed append throws and leaves no partial frame behind', async () => {
    const store = fileStore();
    const { handle } = await store.open(DOC);
    handle.append(bytes(1, 1));
    const log = docFile('log-0.bin');
    // The kernel takes part of the frame, then the disk is full.
    const write = failWriteAfter(7);
    expect(() => handle.append(bytes(2, 2, 2, 2))).toThrow(/ENOSPC/);
    expect(write).toHaveBeenCalledTimes(2);
    expect(fs.statSync(log).size).toBe(10);
    expect(handle.logFrames).toBe(1);
    expect(handle.logBytes).toBe(10);

    handle.append(bytes(3));
    await handle.close();
    expect(asArrays((await store.open(DOC)).loaded.updates)).toEqual([[1, 1], [3]]);
    expect(warnings).toEqual([]);
  });

  it('retries the cut-back before the next append when truncation itself failed', async () => {
    const store = fileStore();
    const { handle } = await store.open(DOC);
    handle.append(bytes(1));
    failWriteAfter(5);
    vi.spyOn(fs, 'ftruncateSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    });
    expect(() => handle.append(bytes(2, 2))).toThrow(/ENOSPC/);
    expect(fs.statSync(docFile('log-0.bin')).size).toBe(9 + 5); // the partial frame is still there

    handle.append(bytes(3));
    expect(fs.statSync(docFile('log-0.bin')).size).toBe(18);
    await handle.close();
    expect(asArrays((await store.open(DOC)).loaded.updates)).toEqual([[1], [3]]);
    expect(warnings).toEqual([]);
  });

  it('refuses empty and oversized updates without writing anything', async () => {
    const store = fileStore({ maxFrameBytes: 8 });
    const { handle } = await store.open(DOC);
    expect(() => handle.append(new Uint8Array(0))).toThrow(RangeError);
    expect(() => handle.append(new Uint8Array(9))).toThrow(/exceeds the maximum 8/);
    handle.append(new Uint8Array(8).fill(1));
    expect(fs.statSync(docFile('log-0.bin')).size).toBe(16);
    expect(handle.logFrames).toBe(1);
  });

  it('batches fdatasync on a timer and syncs on flush and close', async () => {
    const sync = vi.spyOn(fs, 'fdatasync');
    const store = fileStore({ fsyncIntervalMs: 50 });
    const { handle } = await store.open(DOC);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    for (let i = 1; i <= 100; i++) handle.append(bytes(i));
    expect(sync).not.toHaveBeenCalled();
    vi.advanceTimersByTime(49);
    expect(sync).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(sync).toHaveBeenCalledTimes(1);
    await handle.flush(); // waits for that sync, which left nothing dirty
    expect(vi.getTimerCount()).toBe(0); // not dirty any more: no timer, so no further syncs
    vi.advanceTimersByTime(150);
    expect(sync).toHaveBeenCalledTimes(1);
    vi.useRealTimers();

    handle.append(bytes(101));
    await handle.flush();
    expect(sync).toHaveBeenCalledTimes(2);
    handle.append(bytes(102));
    await handle.close();
    expect(sync).toHaveBeenCalledTimes(3);
    expect(() => handle.append(bytes(103))).toThrow(/closed/);
    await expect(handle.compact(bytes(0, 0))).rejects.toThrow(/closed/);
  });
});

describe('file doc store: ids and handles', () => {
  const badIds = ['../escape', '..', 'a/b', '/abs', 'nul\0byte', 'Upper', 'x'.repeat(65), '', '-lead', 'trail-'];

  it('rejects invalid ids before touching any file', async () => {
    const store = fileStore();
    for (const id of badIds) {
      await expect(store.open(id), JSON.stringify(id)).rejects.toThrow(/invalid document id/);
      await expect(store.exists(id), JSON.stringify(id)).rejects.toThrow(/invalid document id/);
    }
    expect(fs.readdirSync(tmp)).toEqual([]); // not even rootDir was created
    expect(fs.existsSync(path.join(os.tmpdir(), 'escape'))).toBe(false);
    await store.open('x'.repeat(64));
    expect(fs.readdirSync(rootDir)).toEqual(['x'.repeat(64)]);
  });

  it('refuses to open a doc twice, allows it again after close; closeAll closes every handle', async () => {
    const store = fileStore();
    const opening = store.open(DOC);
    await expect(store.open(DOC)).rejects.toThrow(/already open/);
    const { handle } = await opening;
    await expect(store.open(DOC)).rejects.toThrow(/already open/);
    await handle.close();
    const again = await store.open(DOC);
    const other = await store.open('other-doc');
    again.handle.append(bytes(1));
    other.handle.append(bytes(2));

    await store.closeAll();
    expect(() => again.handle.append(bytes(3))).toThrow(/closed/);
    expect(() => other.handle.append(bytes(3))).toThrow(/closed/);
    expect(asArrays((await store.open('other-doc')).loaded.updates)).toEqual([[2]]);
  });

  it('exists() ignores an opened-but-empty doc and leftover tmp files', async () => {
    const store = fileStore();
    const { handle } = await store.open(DOC);
    fs.writeFileSync(docFile('snapshot-1.bin.tmp'), 'partial');
    expect(await store.exists(DOC)).toBe(false);
    await handle.close();
    const { loaded } = await store.open(DOC);
    expect(loaded.isNew).toBe(true);
    expect(listDoc()).toEqual(['log-0.bin']);
  });
});

describe('memory doc store', () => {
  it('returns what was stored after reopening, including compactions', async () => {
    const store = createMemoryDocStore();
    expect(await store.exists(DOC)).toBe(false);
    const { handle, loaded } = await store.open(DOC);
    expect(loaded).toEqual({ updates: [], isNew: true });
    const { doc, text } = editor(handle);
    text.insert(0, 'memory ');
    text.insert(7, 'notes');
    expect(handle.logFrames).toBe(2);
    await handle.compact(Y.encodeStateAsUpdate(doc));
    expect(handle.logFrames).toBe(0);
    text.insert(0, '# ');
    await handle.close();
    expect(() => handle.append(bytes(1))).toThrow(/closed/);

    expect(await store.exists(DOC)).toBe(true);
    const reopened = await store.open(DOC);
    expect(reopened.loaded.isNew).toBe(false);
    expect(reopened.loaded.updates).toHaveLength(2);
    expect(textOf(reopened.loaded.updates)).toBe('# memory notes');
    await expect(store.open(DOC)).rejects.toThrow(/already open/);
    doc.destroy();
  });

  it('failWrites makes append throw and compact reject until cleared', async () => {
    const store = createMemoryDocStore();
    const { handle } = await store.open(DOC);
    handle.append(bytes(1));
    const failure = new Error('EROFS: read-only file system');
    store.failWrites(failure);
    expect(() => handle.append(bytes(2))).toThrow(failure);
    await expect(handle.compact(bytes(9))).rejects.toBe(failure);
    store.failWrites(null);
    handle.append(bytes(3));
    await store.closeAll();
    expect(asArrays((await store.open(DOC)).loaded.updates)).toEqual([[1], [3]]);
  });

  it('rejects invalid ids and empty updates like the file store', async () => {
    const store = createMemoryDocStore();
    await expect(store.open('../escape')).rejects.toThrow(/invalid document id/);
    await expect(store.exists('Upper')).rejects.toThrow(/invalid document id/);
    const { handle } = await store.open(DOC);
    expect(() => handle.append(new Uint8Array(0))).toThrow(RangeError);
    expect(handle.logFrames).toBe(0);
  });
});
