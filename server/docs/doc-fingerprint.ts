/**
 * A short digest of a doc's content state: its state vector and delete set (a Yjs snapshot).
 * Two docs with the same fingerprint hold the same content, whatever the byte layout of their
 * encoded updates; a deletion changes it even though it leaves the state vector as it was.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';

export function docFingerprint(doc: Y.Doc): string {
  return createHash('sha256').update(Y.encodeSnapshot(Y.snapshot(doc))).digest('base64url');
}

/** The fingerprint of an encoded state (e.g. a stored checkpoint). */
export function updateFingerprint(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  const fingerprint = docFingerprint(doc);
  doc.destroy();
  return fingerprint;
}
