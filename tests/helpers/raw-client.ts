/** A bare `ws` client speaking y-websocket frames by hand, for limit and fuzz tests. */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { encodeAwarenessEntries, encodeAwarenessFrame, encodeSyncFrame, encodeSyncStep1Frame, SYNC_UPDATE } from '../../shared/wire.ts';
import * as awarenessProtocol from 'y-protocols/awareness';
import { sectionNotes, topicSections, type SectionMap } from '../../shared/doc-schema.ts';

export interface RawClient {
  socket: WebSocket;
  /** Resolves once open; rejects when the upgrade was refused (e.g. "Unexpected server response: 403"). */
  opened: Promise<void>;
  /** Resolves with the close code and reason once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Frames received so far. */
  received: Uint8Array[];
  send(frame: Uint8Array | string): void;
}

export function rawClient(url: string, options: WebSocket.ClientOptions = {}): RawClient {
  const socket = new WebSocket(url, options);
  const received: Uint8Array[] = [];
  socket.on('message', (data) => received.push(new Uint8Array(data as Buffer)));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on('error', () => undefined);
  return {
    socket,
    opened,
    closed,
    received,
    send(frame) {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    },
  };
}

/** `[0, 0, stateVector]`: sync step 1 for `doc` (an empty doc asks for everything). */
export function step1Frame(doc: Y.Doc = new Y.Doc()): Uint8Array {
  return encodeSyncStep1Frame(Y.encodeStateVector(doc));
}

/** `[0, 2, update]`: a sync update message. */
export function updateFrame(update: Uint8Array): Uint8Array {
  return encodeSyncFrame(SYNC_UPDATE, update);
}

/** An awareness message setting `state` (JSON text) for `clientId` at `clock`. */
export function awarenessFrame(clientId: number, clock: number, stateJson: string): Uint8Array {
  return encodeAwarenessFrame(encodeAwarenessEntries([{ clientId, clock, stateJson }]));
}

/** A standalone Yjs update inserting `text` into a root text type `name` (client `clientId`): outside
 *  the notes schema, so the server refuses it (4400). */
export function textUpdate(text: string, name = 'fuzz', clientId?: number): Uint8Array {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  doc.getText(name).insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** A standalone Yjs update typing `text` at the start of the notes of section `index`, made by client
 *  `clientId` on top of `base` (the session doc's state, e.g. its template): what a note-taker sends. */
export function notesUpdate(base: Uint8Array, text: string, clientId: number, index = 0): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  const before = Y.encodeStateVector(doc);
  doc.clientID = clientId;
  sectionNotes(topicSections(doc).get(index) as SectionMap)!.insert(0, text);
  return Y.encodeStateAsUpdate(doc, before);
}

/** The encoded state of a loaded session doc of the server under test. */
export function docState(app: { docs: { withDoc<T>(id: string, read: (live: { doc: Y.Doc }) => T): Promise<T> } }, sessionId: string): Promise<Uint8Array> {
  return app.docs.withDoc(sessionId, (live) => Y.encodeStateAsUpdate(live.doc));
}

export { awarenessProtocol };
