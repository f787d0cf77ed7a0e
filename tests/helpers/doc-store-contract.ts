/**
 * The DocStore contract, written once: what every doc store (file, memory, Redis) must do, run
 * over each by `describeDocStoreContract`. Store-specific behaviour (torn file tails, kill -9,
 * leases) is tested next to each store, not here.
 *
 * Updates are real Yjs updates (the Redis store skips stream entries that do not decode as one),
 * appends are awaited (a cluster store resolves once the update is stored), and frame counts are
 * polled (a cluster store counts its own entries when the stream tailer delivers them).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { DocHandle, DocStore } from '../../server/storage/doc-store.ts';

export interface DocStoreFixture {
  /** A fresh, empty store for one test. */
  create(): Promise<DocStore>;
  /** Called after each test, once the store's handles are closed. */
  cleanup?(): Promise<void>;
}

const DOC = 'containers-cr';

/** A Y.Doc whose every local update is appended to `handle` (what the live doc does); `settled()`
 *  waits for every append so far. */
function editor(handle: DocHandle): { doc: Y.Doc; text: Y.Text; appended: Uint8Array[]; settled(): Promise<void> } {
  const doc = new Y.Doc();
  const appended: Uint8Array[] = [];
  const writes: Array<void | Promise<void>> = [];
  doc.on('update', (update: Uint8Array) => {
    appended.push(update);
    writes.push(handle.append(update));
  });
  return { doc, text: doc.getText('body'), appended, settled: async () => void (await Promise.all(writes)) };
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('body').toString();
}

const asArrays = (updates: Uint8Array[]): number[][] => updates.map((update) => [...update]);

async function framesReach(handle: DocHandle, frames: number): Promise<void> {
  await vi.waitFor(() => expect(handle.logFrames).toBe(frames));
}

export function describeDocStoreContract(name: string, fixture: DocStoreFixture): void {
  describe(`DocStore contract: ${name}`, () => {
    let store: DocStore;
    const docs: Y.Doc[] = [];

    beforeEach(async () => {
      store = await fixture.create();
    });
    afterEach(async () => {
      for (const doc of docs.splice(0)) doc.destroy();
      await store?.closeAll();
      await fixture.cleanup?.();
    });

    const edit = (handle: DocHandle): ReturnType<typeof editor> => {
      const made = editor(handle);
      docs.push(made.doc);
      return made;
    };

    it('a new doc does not exist and opens empty', async () => {
      expect(await store.exists(DOC)).toBe(false);
      const { handle, loaded } = await store.open(DOC);
      expect(handle.docId).toBe(DOC);
      expect(loaded).toEqual({ updates: [], isNew: true });
      expect(handle.logFrames).toBe(0);
      await handle.close();
      expect(await store.exists(DOC)).toBe(false);
    });

    it('reloads every appended update, in order, after close', async () => {
      const { handle } = await store.open(DOC);
      const { text, appended, settled } = edit(handle);
      text.insert(0, 'Hello');
      text.insert(5, ', world');
      text.delete(0, 1);
      text.insert(0, 'h');
      await settled();
      await framesReach(handle, 4);
      await handle.close();

      expect(await store.exists(DOC)).toBe(true);
      const { loaded } = await store.open(DOC);
      expect(loaded.isNew).toBe(false);
      expect(asArrays(loaded.updates)).toEqual(asArrays(appended));
      expect(textOf(loaded.updates)).toBe('hello, world');
    });

    it('keeps appending after a reload; the next load sees old and new updates in order', async () => {
      const first = await store.open(DOC);
      const one = edit(first.handle);
      one.text.insert(0, 'one');
      await one.settled();
      await first.handle.close();

      const second = await store.open(DOC);
      const two = edit(second.handle);
      for (const update of second.loaded.updates) Y.applyUpdate(two.doc, update);
      two.text.insert(3, ' two');
      await two.settled();
      await second.handle.close();

      const { loaded } = await store.open(DOC);
      expect(asArrays(loaded.updates)).toEqual(asArrays([...one.appended, ...two.appended]));
      expect(textOf(loaded.updates)).toBe('one two');
    });

    it('reloads 2,000 small edits', async () => {
      const { handle } = await store.open(DOC);
      const { text, settled } = edit(handle);
      for (let i = 0; i < 2_000; i++) {
        if (i % 7 === 6) text.delete(text.length - 1, 1);
        else text.insert(i % 3 === 0 ? 0 : text.length, String.fromCharCode(97 + (i % 26)));
      }
      await settled();
      await handle.close();
      const { loaded } = await store.open(DOC);
      expect(loaded.updates).toHaveLength(2_000);
      expect(textOf(loaded.updates)).toBe(text.toString());
    });

    it('keeps docs apart', async () => {
      const a = await store.open(DOC);
      const b = await store.open('other-doc');
      const editA = edit(a.handle);
      const editB = edit(b.handle);
      editA.text.insert(0, 'for a');
      editB.text.insert(0, 'for b');
      editA.text.insert(5, '!');
      await Promise.all([editA.settled(), editB.settled()]);
      await store?.closeAll();
      expect(textOf((await store.open(DOC)).loaded.updates)).toBe('for a!');
      expect(textOf((await store.open('other-doc')).loaded.updates)).toBe('for b');
    });

    it('compaction: the log starts over, and a reload is the snapshot then the newer updates', async () => {
      const { handle } = await store.open(DOC);
      const { doc, text, settled } = edit(handle);
      for (const word of ['alpha ', 'beta ', 'gamma ']) text.insert(text.length, word);
      await settled();
      await framesReach(handle, 3);

      await handle.compact(Y.encodeStateAsUpdate(doc));
      expect(handle.logFrames).toBe(0);
      text.insert(0, '> ');
      await settled();
      await framesReach(handle, 1);
      await handle.close();

      const { loaded } = await store.open(DOC);
      expect(loaded.updates).toHaveLength(2);
      expect(textOf(loaded.updates)).toBe('> alpha beta gamma ');
    });

    it('keeps updates appended while compactions are queued', async () => {
      const { handle } = await store.open(DOC);
      const { doc, text, settled } = edit(handle);
      text.insert(0, 'one ');
      const first = handle.compact(Y.encodeStateAsUpdate(doc));
      text.insert(text.length, 'two ');
      const second = handle.compact(Y.encodeStateAsUpdate(doc));
      text.insert(text.length, 'three');
      await Promise.all([first, second, settled()]);
      await handle.close();
      expect(textOf((await store.open(DOC)).loaded.updates)).toBe('one two three');
    });

    it('refuses a second open of an open doc, and opens it again after close', async () => {
      const opening = store.open(DOC);
      await expect(store.open(DOC)).rejects.toThrow(/already open/);
      const { handle } = await opening;
      await expect(store.open(DOC)).rejects.toThrow(/already open/);
      await handle.close();
      const again = await store.open(DOC);
      expect(again.loaded.isNew).toBe(true);
    });

    it('a closed handle refuses appends; close and closeAll close every handle and keep what was stored', async () => {
      const a = await store.open(DOC);
      const b = await store.open('other-doc');
      const editB = edit(b.handle);
      editB.text.insert(0, 'stored');
      await editB.settled();
      await a.handle.close();
      await a.handle.close(); // closing twice is harmless
      expect(() => a.handle.append(Y.encodeStateAsUpdate(new Y.Doc()))).toThrow(/closed/);

      await store?.closeAll();
      expect(() => b.handle.append(editB.appended[0]!)).toThrow(/closed/);
      expect(textOf((await store.open('other-doc')).loaded.updates)).toBe('stored');
    });

    it('flush resolves once appends are stored, and diskBytes grows with them', async () => {
      const { handle } = await store.open(DOC);
      const before = await handle.diskBytes();
      const { text } = edit(handle);
      text.insert(0, 'x'.repeat(1000));
      await handle.flush();
      expect(await handle.diskBytes()).toBeGreaterThan(before);
    });

    it('version: null until stored; new on every append and compaction; equal after a reopen with nothing changed', async () => {
      expect(await store.version(DOC)).toBeNull();
      const empty = await store.open(DOC);
      await empty.handle.close();
      expect(await store.version(DOC)).toBeNull();

      const { handle } = await store.open(DOC);
      const { doc, text, settled } = edit(handle);
      const seen: Array<string | null> = [];
      const expectNewVersion = async (): Promise<string> => {
        const version = await store.version(DOC);
        expect(version).not.toBeNull();
        expect(seen).not.toContain(version);
        seen.push(version);
        return version!;
      };
      for (const word of ['alpha ', 'beta ', 'gamma ']) {
        text.insert(text.length, word);
        await settled();
        await expectNewVersion();
      }
      await framesReach(handle, 3);
      await handle.compact(Y.encodeStateAsUpdate(doc));
      const compacted = await expectNewVersion();
      expect(await store.version('other-doc')).toBeNull();
      await handle.close();
      expect(await store.version(DOC)).toBe(compacted);

      // A restart: the doc opened (loaded) and closed again, nothing written.
      const reopened = await store.open(DOC);
      expect(await store.version(DOC)).toBe(compacted);
      const again = edit(reopened.handle);
      for (const update of reopened.loaded.updates) Y.applyUpdate(again.doc, update);
      again.text.insert(0, '> ');
      await again.settled();
      await expectNewVersion();
      await reopened.handle.close();
      expect(await store.version(DOC)).toBe(seen.at(-1));
      await expect(store.version('../escape')).rejects.toThrow(/invalid document id/);
    });

    it('rejects invalid ids and empty updates', async () => {
      for (const id of ['../escape', 'a/b', 'Upper', '', 'x'.repeat(65)]) {
        await expect(store.open(id), JSON.stringify(id)).rejects.toThrow(/invalid document id/);
      }
      const { handle } = await store.open(DOC);
      expect(() => handle.append(new Uint8Array(0))).toThrow(RangeError);
      expect(handle.logFrames).toBe(0);
      expect(await store.exists('x'.repeat(64))).toBe(false);
    });
  });
}
