/**
 * The y-websocket messages the load generator sends and reads, built with shared/wire.ts (no
 * Awareness instances or providers) so that a generator process can drive hundreds of connections
 * cheaply. Edits carry a token
 * `~<author>.<seq>.<sentAt>;` (base 36; sentAt in 0.1 ms since the run's epoch) from which probes
 * measure latency and check that no edit was lost.
 */
import * as Y from 'yjs';
import { decodeSyncPayload, encodeAwarenessEntries, encodeAwarenessFrame } from '../shared/wire.ts';

// The frames themselves come from the one wire module; the names are the bench's own.
export {
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  encodeSyncStep1Frame as syncStep1,
  encodeSyncFrame as syncMessage,
  readMessageKind as messageKind,
} from '../shared/wire.ts';

/** Wall-clock milliseconds with sub-ms resolution, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** An awareness message announcing one client's state (what y-protocols' encodeAwarenessUpdate
 *  produces for a single client), without an Awareness instance and its timers. */
export function awarenessMessage(clientId: number, clock: number, state: unknown): Uint8Array {
  return encodeAwarenessFrame(encodeAwarenessEntries([{ clientId, clock, stateJson: JSON.stringify(state) }]));
}

/** The Yjs update inside a sync step 2 or update message. */
export function syncPayload(frame: Uint8Array): Uint8Array {
  const payload = decodeSyncPayload(frame);
  if (!payload) throw new Error('not a sync frame');
  return payload;
}

const TIME_UNITS_PER_MS = 10;

export function editToken(author: number, seq: number, epochMs: number, sentAtMs: number): string {
  const t = Math.round((sentAtMs - epochMs) * TIME_UNITS_PER_MS);
  return `~${author.toString(36)}.${seq.toString(36)}.${t.toString(36)};`;
}

const TOKEN = /~([0-9a-z]+)\.([0-9a-z]+)\.([0-9a-z]+);/g;

export interface EditSeen {
  author: number;
  seq: number;
  sentAtMs: number;
}

/** Every edit token in the inserted strings of a Yjs update. */
export function tokensOfUpdate(update: Uint8Array, epochMs: number): EditSeen[] {
  const seen: EditSeen[] = [];
  const { structs } = Y.decodeUpdate(update);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const content = struct.content;
    if (!(content instanceof Y.ContentString)) continue;
    for (const match of content.str.matchAll(TOKEN)) {
      seen.push({
        author: parseInt(match[1]!, 36),
        seq: parseInt(match[2]!, 36),
        sentAtMs: epochMs + parseInt(match[3]!, 36) / TIME_UNITS_PER_MS,
      });
    }
  }
  return seen;
}
