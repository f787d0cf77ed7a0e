import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { describe, expect, it } from 'vitest';
import { MESSAGE_AUTH, MESSAGE_SYNC } from '../../shared/protocol.ts';
import {
  carriesEdit,
  classifyFrame,
  decodeAwarenessEntries,
  decodeAwarenessPayload,
  decodeSyncPayload,
  encodeAwarenessEntries,
  encodeAwarenessFrame,
  encodePermissionDenied,
  encodeSyncFrame,
  encodeSyncStep1Frame,
  isFreshSyncStep1,
  MalformedFrameError,
  readMessageKind,
  SYNC_STEP2,
  SYNC_UPDATE,
} from '../../shared/wire.ts';

function textDoc(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}

describe('the wire module', () => {
  it('encodes sync frames exactly as y-protocols does', () => {
    const doc = textDoc('hello');
    const expected = encoding.createEncoder();
    encoding.writeVarUint(expected, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(expected, doc);
    expect(encodeSyncStep1Frame(Y.encodeStateVector(doc))).toEqual(encoding.toUint8Array(expected));
    const update = Y.encodeStateAsUpdate(doc);
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, MESSAGE_SYNC);
    syncProtocol.writeSyncStep2(step2, doc);
    expect(encodeSyncFrame(SYNC_STEP2, update)).toEqual(encoding.toUint8Array(step2));
    expect(decodeSyncPayload(encodeSyncFrame(SYNC_UPDATE, update))).toEqual(update);
    expect(readMessageKind(encodeSyncFrame(SYNC_STEP2, update))).toEqual({ type: 0, sync: 1 });
  });

  it('classifies after decoding: a non-canonical varint is the kind it decodes to', () => {
    expect(classifyFrame(Uint8Array.from([0x80, 0x00, 0x02, 0x00]))).toBe('sync-update');
    expect(classifyFrame(Uint8Array.from([0x81, 0x00]))).toBe('awareness');
    expect(classifyFrame(Uint8Array.from([3]))).toBe('query-awareness');
    expect(classifyFrame(Uint8Array.from([MESSAGE_AUTH, 0]))).toBe('auth');
    expect(classifyFrame(Uint8Array.from([0, 7]))).toBe('other');
    expect(classifyFrame(Uint8Array.from([0x80]))).toBe('other');
    expect(classifyFrame(new Uint8Array(0))).toBe('other');
  });

  it('recognises a fresh sync step 1 in any encoding, and nothing else', () => {
    expect(isFreshSyncStep1(encodeSyncStep1Frame(Y.encodeStateVector(new Y.Doc())))).toBe(true);
    expect(isFreshSyncStep1(Uint8Array.from([0x80, 0x00, 0x00, 0x01, 0x00]))).toBe(true);
    expect(isFreshSyncStep1(encodeSyncStep1Frame(Y.encodeStateVector(textDoc('x'))))).toBe(false);
    expect(isFreshSyncStep1(Uint8Array.from([0, 0, 0]))).toBe(false);
    expect(isFreshSyncStep1(Uint8Array.from([0, 2, 1, 0]))).toBe(false);
  });

  it('tells edits from empty replies, and treats malformed frames as edits', () => {
    expect(carriesEdit(encodeSyncFrame(SYNC_UPDATE, Y.encodeStateAsUpdate(textDoc('x'))))).toBe(true);
    expect(carriesEdit(encodeSyncFrame(SYNC_STEP2, Y.encodeStateAsUpdate(new Y.Doc())))).toBe(false);
    expect(carriesEdit(encodeSyncStep1Frame(Y.encodeStateVector(new Y.Doc())))).toBe(false);
    expect(carriesEdit(encodeAwarenessFrame(encodeAwarenessEntries([])))).toBe(false);
    expect(carriesEdit(Uint8Array.from([0, 2, 5, 1]))).toBe(true);
  });

  it('round-trips awareness entries in the format y-protocols reads', () => {
    const entries = [{ clientId: 7, clock: 3, stateJson: '{"user":{"name":"Ada"}}' }, { clientId: 9, clock: 1, stateJson: 'null' }];
    const frame = encodeAwarenessFrame(encodeAwarenessEntries(entries));
    expect(classifyFrame(frame)).toBe('awareness');
    const update = decodeAwarenessPayload(frame)!;
    expect(decodeAwarenessEntries(update)).toEqual(entries);
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(awareness, update, 'test');
    expect(awareness.getStates().get(7)).toEqual({ user: { name: 'Ada' } });
    awareness.destroy();
    expect(() => decodeAwarenessEntries(Uint8Array.from([2, 7]))).toThrow(MalformedFrameError);
    expect(decodeAwarenessPayload(encodeSyncFrame(SYNC_UPDATE, new Uint8Array(0)))).toBeNull();
  });

  it('encodes permission-denied as y-protocols/auth reads it', () => {
    const decoder = decoding.createDecoder(encodePermissionDenied('read-only'));
    expect(decoding.readVarUint(decoder)).toBe(MESSAGE_AUTH);
    let reason = '';
    authProtocol.readAuthMessage(decoder, new Y.Doc(), (_doc, why) => (reason = why));
    expect(reason).toBe('read-only');
  });
});
