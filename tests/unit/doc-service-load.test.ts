/** Service tier: how a fresh client is answered while its doc loads (fake socket, memory store). */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { DocService } from '../../server/docs/doc-service.ts';
import { notesTemplate } from '../../server/sessions/doc-templates.ts';
import type { PeerSocket } from '../../server/docs/peer.ts';
import { createMemoryDocStore } from '../../server/storage/memory-doc-store.ts';
import { findSection, sectionNotes } from '../../shared/doc-schema.ts';
import { classifyFrame, decodeSyncPayload, encodeSyncStep1Frame } from '../../shared/wire.ts';
import { waitFor } from '../helpers/wait-for.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

function fakeSocket(): PeerSocket & { sent: Uint8Array[] } {
  const socket = {
    sent: [] as Uint8Array[],
    send(message: Uint8Array) {
      socket.sent.push(message);
    },
    close() {},
  };
  return socket;
}

function service(store = createMemoryDocStore(), onLoaded?: () => void) {
  const template = notesTemplate((id: string) => (id === 'mc' ? [{ id: 't', title: 'T' }] : undefined));
  return new DocService(store, template, { compactLogBytes: 1 << 20, docIdleUnloadMs: 10, maxQueuedFrames: 256, log: silent, ...(onLoaded ? { onLoaded } : {}) });
}

function updateOf(message: Uint8Array): Uint8Array {
  return decodeSyncPayload(message)!;
}

describe('a fresh client arriving while its doc loads', () => {
  it('gets the stored bytes as sync step 2 before the doc is applied, and they hold everything', async () => {
    const store = createMemoryDocStore();
    // Write some notes, then let the doc unload.
    const first = service(store);
    await first.withDoc('mc', (live) => sectionNotes(findSection(live.doc, 't')!)!.insert(0, 'stored before'));
    await first.shutdown();

    let loaded = false;
    const docs = service(store, () => (loaded = true));
    const socket = fakeSocket();
    let sentBeforeLoaded = 0;
    const original = socket.send;
    socket.send = (message) => {
      if (!loaded) sentBeforeLoaded++;
      original(message);
    };
    const connection = docs.connect('mc', socket);
    connection.receive(encodeSyncStep1Frame(Y.encodeStateVector(new Y.Doc())));
    await waitFor(() => loaded && socket.sent.length >= 2, 'the doc to load');
    // The step 2 went out before the doc was loaded (the normal path starts with the server's step 1).
    expect(sentBeforeLoaded).toBeGreaterThan(0);
    const kinds = socket.sent.map(classifyFrame);
    // Step 2 (after the merged log, if any) before the server's own step 1 of the normal path.
    expect(kinds.indexOf('sync-step2')).toBeLessThan(kinds.indexOf('sync-step1'));
    const replica = new Y.Doc();
    socket.sent.forEach((message, i) => {
      if (kinds[i] === 'sync-step2' || kinds[i] === 'sync-update') Y.applyUpdate(replica, updateOf(message));
    });
    expect(sectionNotes(findSection(replica, 't')!)!.toString()).toBe('stored before');
    // Exactly one step 2: the client's step 1 was answered once.
    expect(kinds.filter((k) => k === 'sync-step2')).toHaveLength(1);
    await docs.shutdown();
  });
});
