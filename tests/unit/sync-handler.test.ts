import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { describe, expect, it } from 'vitest';
import { encodeSyncStep1, encodeUpdate, handleFrame, ProtocolError } from '../../server/docs/sync-handler.ts';
import { MESSAGE_SYNC } from '../../shared/protocol.ts';

/** A client doc answering the server the way y-websocket's provider does. */
function clientReply(client: Y.Doc, frame: Uint8Array): Uint8Array | null {
  const decoder = decoding.createDecoder(frame);
  expect(decoding.readVarUint(decoder)).toBe(MESSAGE_SYNC);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.readSyncMessage(decoder, encoder, client, 'server');
  return encoding.length(encoder) > 1 ? encoding.toUint8Array(encoder) : null;
}

function step1From(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

describe('sync handler (two docs wired through our protocol code)', () => {
  it('syncs both ways with step 1/step 2 and relays updates', () => {
    const server = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(server);
    server.getText('t').insert(0, 'server ');
    const client = new Y.Doc();
    client.getText('t').insert(0, 'client ');

    // Client step 1 → server answers step 2.
    const { kind, reply } = handleFrame(step1From(client), server, awareness, 'peer');
    expect(kind).toBe('sync-step1');
    clientReply(client, reply!);
    // Server step 1 → client answers with step 2, which the server applies.
    const clientStep2 = clientReply(client, encodeSyncStep1(server))!;
    expect(handleFrame(clientStep2, server, awareness, 'peer').kind).toBe('sync-step2');
    expect(server.getText('t').toString()).toBe(client.getText('t').toString());

    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    client.getText('t').insert(0, 'more ');
    expect(handleFrame(encodeUpdate(updates[0]!), server, awareness, 'peer').kind).toBe('sync-update');
    expect(server.getText('t').toString()).toBe(client.getText('t').toString());
    awareness.destroy();
  });

  it('throws ProtocolError for malformed frames and leaves the doc unchanged', () => {
    const server = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(server);
    server.getText('t').insert(0, 'intact');
    const before = Y.encodeStateAsUpdate(server);
    const bad: Uint8Array[] = [
      new Uint8Array([]),
      new Uint8Array([0xff]), // truncated varint
      new Uint8Array([9]), // unknown message type
      new Uint8Array([0, 7]), // unknown sync type
      new Uint8Array([0, 2, 50, 1, 2]), // length larger than the frame
      new Uint8Array([0, 2, 3, 0xff, 0xff, 0xff]), // framing fine, update garbage
      new Uint8Array([1, 4, 1, 2, 3, 4]), // awareness garbage
    ];
    for (const frame of bad) {
      expect(() => handleFrame(frame, server, awareness, 'peer'), String([...frame])).toThrow(ProtocolError);
    }
    expect(Buffer.from(Y.encodeStateAsUpdate(server)).equals(Buffer.from(before))).toBe(true);
    awareness.destroy();
  });
});

describe('sync handler refusals', () => {
  it('refuses an update that depends on content the server never saw, leaving nothing pending', () => {
    const server = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(server);
    const client = new Y.Doc();
    client.getText('t').insert(0, 'first');
    const base = Y.encodeStateAsUpdate(client);
    const vector = Y.encodeStateVector(client);
    client.getText('t').insert(5, ' second');
    const dependent = Y.encodeStateAsUpdate(client, vector);
    expect(() => handleFrame(encodeUpdate(dependent), server, awareness, 'peer')).toThrow(ProtocolError);
    expect(server.store.pendingStructs).toBeNull();
    expect(Y.encodeStateAsUpdate(server)).toEqual(Y.encodeStateAsUpdate(new Y.Doc()));
    // With its base, the same edit is fine.
    handleFrame(encodeUpdate(base), server, awareness, 'peer');
    handleFrame(encodeUpdate(dependent), server, awareness, 'peer');
    expect(server.getText('t').toString()).toBe('first second');
  });
});
