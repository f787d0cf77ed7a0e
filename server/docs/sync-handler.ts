/**
 * The y-websocket protocol as pure functions over (frame, doc, awareness): decode one inbound
 * frame, apply it, return the reply to send back (if any). No I/O here; a malformed frame throws
 * ProtocolError and changes nothing it could avoid changing.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode, MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from '../../shared/protocol.ts';
import {
  decodeAwarenessEntries as decodeEntries,
  encodeAwarenessEntries,
  encodeAwarenessFrame,
  encodeSyncFrame,
  encodeSyncStep1Frame,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  type AwarenessEntry,
} from '../../shared/wire.ts';
import type { DecodedUpdate } from './schema-guard.ts';

export type { AwarenessEntry };

/** A frame that is not a well-formed y-websocket message, or one a limit refuses. `closeCode` is
 *  what the sender's socket is closed with (4400 for malformed frames). */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly closeCode: number;
  constructor(message: string, closeCode: number = CloseCode.BAD_MESSAGE) {
    super(message);
    this.closeCode = closeCode;
  }
}

/**
 * Checks a frame's content against the doc's limits before it is applied (issue #6). Either hook
 * throws ProtocolError (with a close code) to refuse the whole frame.
 */
export interface FramePolicy {
  /** Called with a Yjs update that decoded fine (`decoded`), before it is applied. */
  checkUpdate(update: Uint8Array, decoded: DecodedUpdate): void;
  /** Returns the awareness entries this sender may set (others are dropped silently); an entry
   *  may be replaced by a rewritten one (a new object), which is then what is applied. */
  filterAwareness(entries: AwarenessEntry[]): AwarenessEntry[];
}

/** What a frame turned out to be, for metrics and for the caller's bookkeeping. */
export type FrameKind = 'sync-step1' | 'sync-step2' | 'sync-update' | 'awareness' | 'query-awareness' | 'auth';

export interface FrameResult {
  kind: FrameKind;
  /** Message to send back to the sender only, or null. */
  reply: Uint8Array | null;
}

/** Encodes what a peer with `stateVector` is missing (sync step 2); the live doc passes one that
 *  serves fresh clients from a cached state. */
export type StateAsUpdate = (stateVector: Uint8Array) => Uint8Array;

/** Decodes and applies one frame from a peer identified by `origin`, after `policy` allowed it.
 *  Throws ProtocolError. */
export function handleFrame(
  frame: Uint8Array,
  doc: Y.Doc,
  awareness: awarenessProtocol.Awareness,
  origin: unknown,
  policy: FramePolicy | null = null,
  stateAsUpdate: StateAsUpdate = (stateVector) => Y.encodeStateAsUpdate(doc, stateVector),
): FrameResult {
  const decoder = decoding.createDecoder(frame);
  const messageType = readVarUint(decoder, 'message type');
  switch (messageType) {
    case MESSAGE_SYNC:
      return handleSync(decoder, doc, origin, policy, stateAsUpdate);
    case MESSAGE_AWARENESS: {
      let update = readPayload(decoder, 'awareness update');
      if (policy) {
        const entries = decodeAwarenessEntries(update);
        const allowed = policy.filterAwareness(entries);
        if (allowed.length === 0) return { kind: 'awareness', reply: null };
        // Re-encoded when an entry was dropped or rewritten (presence-policy normalises states).
        if (allowed.length !== entries.length || allowed.some((entry, i) => entry !== entries[i])) update = encodeAwarenessEntries(allowed);
      }
      try {
        awarenessProtocol.applyAwarenessUpdate(awareness, update, origin);
      } catch (error) {
        throw new ProtocolError(`invalid awareness update: ${(error as Error).message}`);
      }
      return { kind: 'awareness', reply: null };
    }
    case MESSAGE_QUERY_AWARENESS:
      return { kind: 'query-awareness', reply: encodeAwareness(awareness, [...awareness.getStates().keys()]) };
    case MESSAGE_AUTH:
      // Clients do not send auth messages in y-websocket; accepted and ignored for compatibility.
      return { kind: 'auth', reply: null };
    default:
      throw new ProtocolError(`unknown message type ${messageType}`);
  }
}

function handleSync(decoder: decoding.Decoder, doc: Y.Doc, origin: unknown, policy: FramePolicy | null, stateAsUpdate: StateAsUpdate): FrameResult {
  const syncType = readVarUint(decoder, 'sync message type');
  switch (syncType) {
    case SYNC_STEP1: {
      const stateVector = readPayload(decoder, 'state vector');
      let update: Uint8Array;
      try {
        update = stateAsUpdate(stateVector);
      } catch (error) {
        throw new ProtocolError(`invalid state vector: ${(error as Error).message}`);
      }
      return { kind: 'sync-step1', reply: encodeSyncFrame(SYNC_STEP2, update) };
    }
    case SYNC_STEP2:
    case SYNC_UPDATE: {
      const update = readPayload(decoder, 'update');
      applyUpdate(doc, update, origin, policy);
      return { kind: syncType === SYNC_UPDATE ? 'sync-update' : 'sync-step2', reply: null };
    }
    default:
      throw new ProtocolError(`unknown sync message type ${syncType}`);
  }
}

function applyUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown, policy: FramePolicy | null): void {
  // Decode fully first: a malformed update must fail here, before any part of it is integrated.
  let decoded: DecodedUpdate;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    throw new ProtocolError(`invalid Yjs update: ${(error as Error).message}`);
  }
  policy?.checkUpdate(update, decoded);
  try {
    Y.applyUpdate(doc, update, origin);
  } catch (error) {
    throw new ProtocolError(`Yjs update could not be applied: ${(error as Error).message}`);
  }
  // Parts that depend on content the server never saw are parked by Yjs as "pending" and would be
  // written into every snapshot and sync reply from then on, for ever. A y-websocket client only
  // builds on what it got from this server, so refuse them: the sender keeps its edits, reconnects
  // and resyncs (which also heals the rare honest case of two tabs sharing edits locally).
  if (doc.store.pendingStructs || doc.store.pendingDs) {
    doc.store.pendingStructs = null;
    doc.store.pendingDs = null;
    throw new ProtocolError('update depends on content the server does not have: resync');
  }
}

function readVarUint(decoder: decoding.Decoder, what: string): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError(`truncated frame: no ${what}`);
  }
}

function readPayload(decoder: decoding.Decoder, what: string): Uint8Array {
  const length = readVarUint(decoder, `${what} length`);
  const remaining = decoder.arr.length - decoder.pos;
  if (length > remaining) throw new ProtocolError(`${what} length ${length} is larger than the frame (${remaining} bytes left)`);
  // A copy with its own ArrayBuffer: lib0 reads nested lengths through `arr.buffer`, so a view into
  // a larger buffer (ws hands out slices of its receive buffer) would let a lying length inside the
  // payload read bytes beyond it instead of failing.
  return decoding.readUint8Array(decoder, length).slice();
}

/** Decodes an awareness update's entries without applying them; throws ProtocolError (4400). */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  try {
    return decodeEntries(update);
  } catch (error) {
    throw new ProtocolError(`invalid awareness update: ${(error as Error).message}`);
  }
}

/** Sync step 1 from the server: asks the peer for what the server is missing. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return encodeSyncStep1Frame(Y.encodeStateVector(doc));
}

/** A sync update message carrying `update`; encoded once and sent to every peer. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  return encodeSyncFrame(SYNC_UPDATE, update);
}

/** An awareness message with the current states of `clients`. */
export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  return encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
}
