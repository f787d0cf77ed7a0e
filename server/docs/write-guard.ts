/**
 * Read-only connections: which inbound frames would change a doc, and the y-websocket answer
 * that refuses them. The stock provider reports a permission-denied auth message and keeps the
 * refused edit locally, so a read-only client's UI must be read-only too.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MESSAGE_AUTH, MESSAGE_SYNC } from '../../shared/protocol.ts';

/**
 * True when `frame` carries document content (sync step 2 or update) that is not empty. Malformed
 * frames return true: a read-only peer gets no benefit of the doubt.
 */
export function carriesEdit(frame: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return false;
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) return false;
    const update = decoding.readVarUint8Array(decoder);
    // The reply to the server's step 1 from a client that has nothing new is an empty update.
    const { structs, ds } = Y.decodeUpdate(update);
    return structs.length > 0 || ds.clients.size > 0;
  } catch {
    return true;
  }
}

/** The auth message telling a client its edit was refused, with the reason. */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  authProtocol.writePermissionDenied(encoder, reason);
  return encoding.toUint8Array(encoder);
}
