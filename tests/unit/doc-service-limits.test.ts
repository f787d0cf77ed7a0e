/** Service tier: the doc service's own limits with a fake socket and an in-memory store. */
import { describe, expect, it } from 'vitest';
import { DocService } from '../../server/docs/doc-service.ts';
import { notesTemplate } from '../../server/sessions/doc-templates.ts';
import type { PeerSocket } from '../../server/docs/peer.ts';
import { createMemoryDocStore } from '../../server/storage/memory-doc-store.ts';
import { AppError } from '../../shared/errors.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { waitFor } from '../helpers/wait-for.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

function fakeSocket(): PeerSocket & { sent: Uint8Array[]; closed: { code: number; reason: string } | null } {
  const socket = {
    sent: [] as Uint8Array[],
    closed: null as { code: number; reason: string } | null,
    send(message: Uint8Array) {
      socket.sent.push(message);
    },
    close(code: number, reason: string) {
      socket.closed ??= { code, reason };
    },
  };
  return socket;
}

function service(options: { maxQueuedFrames?: number; maxLoadedDocs?: number; openDelayMs?: number } = {}) {
  const memory = createMemoryDocStore();
  const store = {
    ...memory,
    async open(docId: string) {
      if (options.openDelayMs) await new Promise((resolve) => setTimeout(resolve, options.openDelayMs));
      return memory.open(docId);
    },
  };
  const template = notesTemplate((id: string) => (['one', 'two', 'three'].includes(id) ? [{ id: 't', title: 'T' }] : undefined));
  return new DocService(store, template, {
    compactLogBytes: 1 << 20,
    docIdleUnloadMs: 60_000,
    maxQueuedFrames: options.maxQueuedFrames ?? 256,
    ...(options.maxLoadedDocs ? { maxLoadedDocs: options.maxLoadedDocs } : {}),
    log: silent,
  });
}

describe('doc service limits', () => {
  it('closes a connection that sends more than maxQueuedFrames before its doc loaded (4429)', async () => {
    const docs = service({ maxQueuedFrames: 10, openDelayMs: 100 });
    const socket = fakeSocket();
    const connection = docs.connect('one', socket);
    for (let i = 0; i < 11; i++) connection.receive(new Uint8Array([2, 0]));
    expect(socket.closed?.code).toBe(CloseCode.RATE_LIMITED);
    const calm = fakeSocket();
    const calmConnection = docs.connect('one', calm);
    for (let i = 0; i < 10; i++) calmConnection.receive(new Uint8Array([2, 0]));
    await waitFor(() => calm.sent.length > 0, 'calm client to get sync step 1');
    expect(calm.closed).toBeNull();
    await docs.shutdown();
  });

  it('maxLoadedDocs: a busy server refuses a further doc with SERVER_BUSY and evicts an idle one', async () => {
    const docs = service({ maxLoadedDocs: 2 });
    const a = fakeSocket();
    const b = fakeSocket();
    const connA = docs.connect('one', a);
    docs.connect('two', b);
    await waitFor(() => docs.loadedCount === 2, 'two docs loaded');
    await expect(docs.withDoc('three', () => 1)).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === 'SERVER_BUSY' && error.httpStatus === 503);
    const c = fakeSocket();
    docs.connect('three', c);
    await waitFor(() => c.closed !== null, 'third client refused');
    expect(c.closed?.code).toBe(CloseCode.TRY_AGAIN_LATER);
    connA.closed();
    expect(await docs.withDoc('three', (live) => live.sessionId)).toBe('three');
    expect(docs.loadedCount).toBe(2);
    await docs.shutdown();
  });
});
