/** Checks every DocStore implementation makes the same way (file store, memory double, Redis). */
import { isValidId } from '../../shared/ids.ts';
import type { DocHandle } from './doc-store-port.ts';

// Ids come validated from the service, but a path is built from this one: check again.
export function assertDocId(docId: string): void {
  if (!isValidId(docId)) throw new Error(`invalid document id ${JSON.stringify(docId)}`);
}

export function assertAppendable(update: Uint8Array, maxBytes: number): void {
  // Loads reject empty and oversized frames, so writing one would hide every later frame.
  if (update.length === 0) throw new RangeError('refusing to store an empty update');
  if (update.length > maxBytes) {
    throw new RangeError(`update of ${update.length} bytes exceeds the maximum ${maxBytes}`);
  }
}

export async function closeEvery(handles: Iterable<DocHandle>): Promise<void> {
  const results = await Promise.allSettled([...handles].map((handle) => handle.close()));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}
