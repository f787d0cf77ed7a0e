/**
 * Writes of the Etherpad API (issue #16) go the way a browser's edits go, so they meet the same
 * schema guard, limits and durability: the change is made on a copy of the notes doc with its own
 * Yjs client id, and sent as an update frame through an in-process connection that first announced
 * the author's name in its presence (so authorship records it). Resolves once the live doc holds
 * the change, which the doc service makes visible only after storing it; a refused or failed write
 * rejects.
 */
import * as Y from 'yjs';
import { findSection, sectionNotes } from '../../shared/doc-schema.ts';
import { classifyFrame, encodeAwarenessEntries, encodeAwarenessFrame, encodeSyncFrame, SYNC_UPDATE } from '../../shared/wire.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { PeerSocket } from '../docs/peer.ts';

/** Why a write did not land; the API answers it as code 1 (refused) or 2 (failed). */
export class PadWriteError extends Error {
  override name = 'PadWriteError';
}

class WriterSocket implements PeerSocket {
  refusal: string | null = null;
  send(message: Uint8Array): void {
    // The server sends an auth frame only to say "permission denied" (shared/wire.ts).
    if (classifyFrame(message) === 'auth') this.refusal ??= 'the change was refused by the schema guard';
  }
  sendBatch(messages: readonly Uint8Array[]): void {
    for (const message of messages) this.send(message);
  }
  close(_code: number, reason: string): void {
    this.refusal ??= reason || 'the connection was closed';
  }
}

export interface PadWriterOptions {
  /** How long a write may take to become visible before it fails. */
  timeoutMs: number;
  /** MAX_MESSAGE_BYTES: the largest frame a WebSocket client may send, and so this writer. */
  maxMessageBytes: number;
}

export class PadWriter {
  #docs: DocService;
  #options: PadWriterOptions;

  constructor(docs: DocService, options: PadWriterOptions) {
    this.#docs = docs;
    this.#options = options;
  }

  /** Applies `change` to the notes of `topicId` as the author `name`. */
  async edit(sessionId: string, topicId: string, author: { name: string; color: string }, change: (notes: Y.Text) => void): Promise<void> {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, await this.#docs.withDoc(sessionId, (live) => Y.encodeStateAsUpdate(live.doc)));
    const section = findSection(copy, topicId);
    const notes = section && sectionNotes(section);
    if (!notes) throw new PadWriteError(`topic ${topicId} has no notes section yet`);
    const updates: Uint8Array[] = [];
    copy.on('update', (update: Uint8Array) => updates.push(update));
    copy.transact(() => change(notes));
    if (updates.length === 0) return;
    const target = Y.encodeStateVector(copy);
    const clientId = copy.clientID;
    copy.destroy();

    const frame = encodeSyncFrame(SYNC_UPDATE, Y.mergeUpdates(updates));
    if (frame.length > this.#options.maxMessageBytes) {
      throw new PadWriteError(`the change is ${frame.length} bytes, more than MAX_MESSAGE_BYTES (${this.#options.maxMessageBytes})`);
    }
    const socket = new WriterSocket();
    const connection = this.#docs.connect(sessionId, socket, { canWrite: true });
    try {
      const presence = (clock: number, state: unknown) =>
        encodeAwarenessFrame(encodeAwarenessEntries([{ clientId, clock, stateJson: JSON.stringify(state) }]));
      connection.receive(presence(1, { user: author }));
      connection.receive(frame);
      await this.#landed(sessionId, target, socket);
      connection.receive(presence(2, null));
    } finally {
      connection.closed();
    }
  }

  async #landed(sessionId: string, target: Uint8Array, socket: WriterSocket): Promise<void> {
    const wanted = Y.decodeStateVector(target);
    const deadline = Date.now() + this.#options.timeoutMs;
    for (;;) {
      if (socket.refusal) throw new PadWriteError(socket.refusal);
      const have = Y.decodeStateVector(await this.#docs.withDoc(sessionId, (live) => Y.encodeStateVector(live.doc)));
      if ([...wanted].every(([client, clock]) => (have.get(client) ?? 0) >= clock)) return;
      if (Date.now() > deadline) throw new Error(`the write did not land within ${this.#options.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
