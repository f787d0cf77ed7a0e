/** What a live doc is configured with: its limits (issue #6, #13), timings and collaborators. */
import type { Logger } from '../logger.ts';
import type { DocBus } from '../storage/doc-store-port.ts';
import type { Clock } from './clock.ts';
import type { DocMetrics } from './doc-metrics.ts';
import type { PeerSocket } from './peer.ts';
import type { UpdateGuard } from './schema-guard.ts';

/** Per-doc limits (issue #6); every one is optional and unlimited when left out. */
export interface LiveDocLimits {
  /** Largest encoded Yjs state; an update that would pass it is refused with 4413. */
  maxDocBytes: number;
  /** Largest awareness state of one client (JSON bytes); more closes the sender with 1009. */
  maxAwarenessStateBytes: number;
  /** Awareness client ids one peer may own; more closes it with 4429. */
  maxAwarenessIdsPerConnection: number;
  /** Full-state requests (sync step 1, awareness query) one peer may send per minute; more: 4429. */
  maxSyncRequestsPerMinute: number;
  /** Longest `user.name` relayed in presence, in characters (issue #13); longer names are cut. */
  maxPresenceNameChars: number;
  /** Presence states of this doc's connections; a new one past it is not applied (issue #13). */
  maxPresenceStatesPerDoc: number;
  /** Their JSON bytes together; a state that would pass it is not applied (issue #13). */
  maxPresenceBytesPerDoc: number;
}

/** Told, once an update frame of `peer` was applied, the Yjs client ids whose content it carried. */
export type WriteListener = (peer: PeerSocket, clientIds: readonly number[]) => void;

export interface LiveDocOptions {
  /** Compact once the current log passes this many bytes. */
  compactLogBytes: number;
  log: Logger;
  limits?: Partial<LiveDocLimits>;
  /** An upper bound of the loaded state's encoded size (e.g. the bytes read from disk). */
  loadedBytes?: number;
  metrics?: DocMetrics;
  /** Re-encode the full state for fresh clients once the doc has had no update this long. */
  stateWarmMs?: number;
  /** Wait this long after the first queued change before flushing, so that more changes share
   *  one write per peer; 0 flushes on the next event-loop turn. */
  broadcastDelayMs?: number;
  /** Cluster mode: the link to the other instances. */
  bus?: DocBus;
  /** What clients may write (the doc's schema); every update is checked before it is applied. */
  guard?: UpdateGuard;
  /** Time and scheduling (tests pass a manual clock); the system clock when left out. */
  clock?: Clock;
}

/** Every limit, unlimited where left out. */
export function limitsOf(limits: Partial<LiveDocLimits> = {}): LiveDocLimits {
  const unlimited = Number.POSITIVE_INFINITY;
  return {
    maxDocBytes: limits.maxDocBytes ?? unlimited,
    maxAwarenessStateBytes: limits.maxAwarenessStateBytes ?? unlimited,
    maxAwarenessIdsPerConnection: limits.maxAwarenessIdsPerConnection ?? unlimited,
    maxSyncRequestsPerMinute: limits.maxSyncRequestsPerMinute ?? unlimited,
    maxPresenceNameChars: limits.maxPresenceNameChars ?? unlimited,
    maxPresenceStatesPerDoc: limits.maxPresenceStatesPerDoc ?? unlimited,
    maxPresenceBytesPerDoc: limits.maxPresenceBytesPerDoc ?? unlimited,
  };
}
