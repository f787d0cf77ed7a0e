import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ChangeJournal, type KeyValueStorage } from '../../client/src/session/change-journal.ts';

function memoryStorage(): KeyValueStorage & { keys(): string[] } {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    key: (index) => [...map.keys()][index] ?? null,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
    keys: () => [...map.keys()],
  };
}

describe('ChangeJournal: unconfirmed local changes survive a page that dies before IndexedDB wrote them', () => {
  it('a later page takes over what an earlier page did not get confirmed, and the doc gets it back', () => {
    const storage = memoryStorage();
    const doc = new Y.Doc();
    const first = new ChangeJournal(storage, 'mc', 'page-a');
    let seq = 0;
    doc.on('update', (update: Uint8Array) => first.record(++seq, update));
    const text = doc.getText('notes');
    text.insert(0, 'hello');
    text.insert(5, ' world');
    text.delete(0, 1);
    first.confirmUpTo(1); // the server confirmed the first change only
    expect(storage.keys()).toEqual(['mcpad:journal:mc:page-a:2', 'mcpad:journal:mc:page-a:3']);

    // Next page load: the copy in IndexedDB has only the first change.
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, firstChangeOf(doc));
    const second = new ChangeJournal(storage, 'mc', 'page-b');
    const adopted = second.takeOver();
    expect(adopted).toHaveLength(2);
    expect(storage.keys()).toEqual([]);
    for (const update of adopted) Y.applyUpdate(reloaded, update);
    expect(reloaded.getText('notes').toString()).toBe('ello world');
    // Another session's entries are not touched.
    storage.setItem('mcpad:journal:other:page-x:1', 'AA==');
    expect(new ChangeJournal(storage, 'mc', 'page-c').takeOver()).toEqual([]);
    expect(storage.keys()).toEqual(['mcpad:journal:other:page-x:1']);
  });

  it('reports a refused write instead of throwing', () => {
    const storage = memoryStorage();
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    expect(new ChangeJournal(storage, 'mc', 'p').record(1, new Uint8Array([1, 2, 3]))).toBe(false);
  });
});

/** The update of the first insert of `doc`'s notes ("hello"), as IndexedDB would have kept it. */
function firstChangeOf(doc: Y.Doc): Uint8Array {
  const replay = new Y.Doc();
  replay.clientID = doc.clientID;
  replay.getText('notes').insert(0, 'hello');
  return Y.encodeStateAsUpdate(replay);
}
