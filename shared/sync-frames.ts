/**
 * y-websocket sync frames, pure and isomorphic: the one place they are encoded (server, client,
 * tests and the bench all use these) and classified without being applied (the browser client
 * watches which sync messages go out and come back, for the unsaved-changes count).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from './protocol.ts';

/** y-protocols sync sub-types (y-protocols/sync messageYjsSyncStep1 / Step2 / Update). */
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export type FrameClass = 'sync-step1' | 'sync-step2' | 'sync-update' | 'awareness' | 'query-awareness' | 'auth' | 'other';

/** What kind of y-websocket message `frame` is; 'other' for anything unknown or truncated. Decoded
 *  with lib0, never read off the raw bytes: lib0 accepts non-canonical varints (`0x80 0x00` is 0),
 *  so a byte test would let such a frame past every check keyed on its kind (issue #13). */
export function classifyFrame(frame: Uint8Array): FrameClass {
  try {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) return 'awareness';
    if (type === MESSAGE_QUERY_AWARENESS) return 'query-awareness';
    if (type === MESSAGE_AUTH) return 'auth';
    if (type !== MESSAGE_SYNC) return 'other';
    switch (decoding.readVarUint(decoder)) {
      case SYNC_STEP1:
        return 'sync-step1';
      case SYNC_STEP2:
        return 'sync-step2';
      case SYNC_UPDATE:
        return 'sync-update';
      default:
        return 'other';
    }
  } catch {
    return 'other';
  }
}

/** A sync step 1 frame carrying `stateVector` (Y.encodeStateVector); the peer answers with step 2. */
export function encodeSyncStep1Frame(stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, SYNC_STEP1);
  encoding.writeVarUint8Array(encoder, stateVector);
  return encoding.toUint8Array(encoder);
}

/** A sync step 2 or update frame carrying `update`. */
export function encodeSyncFrame(kind: typeof SYNC_STEP2 | typeof SYNC_UPDATE, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, kind);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
