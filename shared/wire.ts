/**
 * The y-websocket wire format as small pure functions (as y-protocols keeps sync and awareness):
 * the one place frames are encoded, decoded and classified. Server, browser client, tests and the
 * bench all use it; nothing here does I/O or keeps state.
 *
 * Every frame is a varUint message type (shared/protocol.ts) followed by its payload:
 * sync `[0, syncType, varUint8Array]`, awareness `[1, varUint8Array(update)]`, auth
 * `[2, 0, varString(reason)]`, query-awareness `[3]`.
 *
 * Frames are classified after decoding them, never by their raw bytes: lib0 accepts
 * non-canonical varints (`0x80 0x00` is 0), so a byte test would let such a frame past every
 * check keyed on its kind (issue #13).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from './protocol.ts';

/** y-protocols sync sub-types (y-protocols/sync messageYjsSyncStep1 / Step2 / Update). */
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;
/** y-protocols/auth messagePermissionDenied. */
const AUTH_PERMISSION_DENIED = 0;

export type FrameClass = 'sync-step1' | 'sync-step2' | 'sync-update' | 'awareness' | 'query-awareness' | 'auth' | 'other';

/** A payload that does not decode (truncated, or a length that runs past the end). */
export class MalformedFrameError extends Error {
  override name = 'MalformedFrameError';
}

/** One client's entry in an awareness update: its id, clock and state (JSON text, `null` = gone). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  stateJson: string;
}

// ---------------------------------------------------------------------------------------------
// Classify and decode

/** What kind of y-websocket message `frame` is; 'other' for anything unknown or truncated. */
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

/** Message type and, for sync messages, the sync type (-1 otherwise): `{ type: 0, sync: 1 }` is
 *  step 2. Throws on a truncated frame. */
export function readMessageKind(frame: Uint8Array): { type: number; sync: number } {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  const sync = type === MESSAGE_SYNC ? decoding.readVarUint(decoder) : -1;
  return { type, sync };
}

/** The payload of a sync frame (the state vector of step 1, the update of step 2 or update); null
 *  when `frame` is not a well-formed sync frame. */
export function decodeSyncPayload(frame: Uint8Array): Uint8Array | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return null;
    const syncType = decoding.readVarUint(decoder);
    if (syncType !== SYNC_STEP1 && syncType !== SYNC_STEP2 && syncType !== SYNC_UPDATE) return null;
    return decoding.readVarUint8Array(decoder);
  } catch {
    return null;
  }
}

/** The update of an awareness frame; null when `frame` is not a well-formed awareness frame. */
export function decodeAwarenessPayload(frame: Uint8Array): Uint8Array | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_AWARENESS) return null;
    return decoding.readVarUint8Array(decoder);
  } catch {
    return null;
  }
}

/** Sync step 1 of a client that has nothing: y-protocols' encoding of an empty state vector. */
export function isEmptyStateVector(stateVector: Uint8Array): boolean {
  if (stateVector.length === 1) return stateVector[0] === 0;
  return Y.decodeStateVector(stateVector).size === 0;
}

/** True for a sync step 1 whose state vector is empty (a client that has nothing yet: every page
 *  load). Decoded, so any encoding of it counts; a malformed frame is not one. */
export function isFreshSyncStep1(frame: Uint8Array): boolean {
  if (classifyFrame(frame) !== 'sync-step1') return false;
  const stateVector = decodeSyncPayload(frame);
  if (!stateVector) return false;
  try {
    return isEmptyStateVector(stateVector);
  } catch {
    return false;
  }
}

/**
 * True when `frame` carries document content (sync step 2 or update) that is not empty. Malformed
 * frames return true: a read-only peer gets no benefit of the doubt.
 */
export function carriesEdit(frame: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return false;
    const syncType = decoding.readVarUint(decoder);
    if (syncType === SYNC_STEP1) return false;
    const update = decoding.readVarUint8Array(decoder);
    // The reply to the server's step 1 from a client that has nothing new is an empty update.
    const { structs, ds } = Y.decodeUpdate(update);
    return structs.length > 0 || ds.clients.size > 0;
  } catch {
    return true;
  }
}

/** Decodes an awareness update's entries (y-protocols format) without applying them. Throws
 *  MalformedFrameError. */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  try {
    const count = decoding.readVarUint(decoder);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const stateJson = decoding.readVarString(decoder);
      entries.push({ clientId, clock, stateJson });
    }
    return entries;
  } catch (error) {
    throw new MalformedFrameError((error as Error).message);
  }
}

// ---------------------------------------------------------------------------------------------
// Encode

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

/** An awareness update (y-protocols encodeAwarenessUpdate, or encodeAwarenessEntries) as a frame. */
export function encodeAwarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An awareness update holding `entries` (what y-protocols produces, without an Awareness). */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.stateJson);
  }
  return encoding.toUint8Array(encoder);
}

/** The auth frame telling a client its edit was refused, with the reason (y-protocols/auth). */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  encoding.writeVarUint(encoder, AUTH_PERMISSION_DENIED);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}
