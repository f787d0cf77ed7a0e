/**
 * The y-websocket protocol as pure functions over (frame, doc, awareness): decode one inbound
 * frame, apply it, return the reply to send back (if any). No I/O here; a malformed frame throws
 * ProtocolError and changes nothing it could avoid changing.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from '../../shared/protocol.ts';

/** A frame that is not a well-formed y-websocket message. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
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

/** Decodes and applies one frame from a peer identified by `origin`. Throws ProtocolError. */
export function handleFrame(
  frame: Uint8Array,
  doc: Y.Doc,
  awareness: awarenessProtocol.Awareness,
  origin: unknown,
  stateAsUpdate: StateAsUpdate = (stateVector) => Y.encodeStateAsUpdate(doc, stateVector),
): FrameResult {
  const decoder = decoding.createDecoder(frame);
  const messageType = readVarUint(decoder, 'message type');
  switch (messageType) {
    case MESSAGE_SYNC:
      return handleSync(decoder, doc, origin, stateAsUpdate);
    case MESSAGE_AWARENESS: {
      const update = readPayload(decoder, 'awareness update');
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

function handleSync(decoder: decoding.Decoder, doc: Y.Doc, origin: unknown, stateAsUpdate: StateAsUpdate): FrameResult {
  const syncType = readVarUint(decoder, 'sync message type');
  switch (syncType) {
    case syncProtocol.messageYjsSyncStep1: {
      const stateVector = readPayload(decoder, 'state vector');
      let update: Uint8Array;
      try {
        update = stateAsUpdate(stateVector);
      } catch (error) {
        throw new ProtocolError(`invalid state vector: ${(error as Error).message}`);
      }
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(encoder, update);
      return { kind: 'sync-step1', reply: encoding.toUint8Array(encoder) };
    }
    case syncProtocol.messageYjsSyncStep2:
    case syncProtocol.messageYjsUpdate: {
      const update = readPayload(decoder, 'update');
      applyUpdate(doc, update, origin);
      return { kind: syncType === syncProtocol.messageYjsUpdate ? 'sync-update' : 'sync-step2', reply: null };
    }
    default:
      throw new ProtocolError(`unknown sync message type ${syncType}`);
  }
}

function applyUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  // Decode fully first: a malformed update must fail here, before any part of it is integrated.
  try {
    Y.decodeUpdate(update);
  } catch (error) {
    throw new ProtocolError(`invalid Yjs update: ${(error as Error).message}`);
  }
  try {
    Y.applyUpdate(doc, update, origin);
  } catch (error) {
    throw new ProtocolError(`Yjs update could not be applied: ${(error as Error).message}`);
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
  return decoding.readUint8Array(decoder, length);
}

/** Sync step 1 from the server: asks the peer for what the server is missing. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** A sync update message carrying `update`; encoded once and sent to every peer. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An awareness message with the current states of `clients`. */
export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}
