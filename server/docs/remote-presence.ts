/**
 * Presence that another instance published (cluster mode) passes the same filters as a local
 * peer's (issue #13): no state larger than maxAwarenessStateBytes, and no entry for a client id a
 * peer of this instance owns (or the server's own), so a remote cannot overwrite local presence.
 * Bad entries are dropped one by one; the rest of the update is applied.
 */
import { decodeAwarenessEntries, encodeAwarenessEntries, type AwarenessEntry } from '../../shared/wire.ts';

export interface RemotePresenceRules {
  maxAwarenessStateBytes: number;
  /** True for ids this instance answers for (the server's own, ids owned by local peers). */
  isLocalId(clientId: number): boolean;
}

/** The acceptable part of a remote awareness update (null: nothing left) and how many entries
 *  were dropped. Throws MalformedFrameError when the update does not decode. */
export function filterRemotePresence(update: Uint8Array, rules: RemotePresenceRules): { update: Uint8Array | null; kept: AwarenessEntry[]; dropped: number } {
  const entries = decodeAwarenessEntries(update);
  const kept = entries.filter(
    (entry) => !rules.isLocalId(entry.clientId) && Buffer.byteLength(entry.stateJson, 'utf8') <= rules.maxAwarenessStateBytes,
  );
  const dropped = entries.length - kept.length;
  if (dropped === 0) return { update, kept, dropped };
  return { update: kept.length > 0 ? encodeAwarenessEntries(kept) : null, kept, dropped };
}
