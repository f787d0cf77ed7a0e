/**
 * A live doc's side of the cluster (issue #8): updates other instances stored are applied as one
 * transaction with REMOTE_ORIGIN (relayed to local peers, never stored again; one that fails is
 * skipped, issue #13), their presence passes the local filters first, and a newly loading
 * instance's question "who is here?" is answered with the presence of this instance's peers.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger.ts';
import { REMOTE_ORIGIN, type DocBus } from '../storage/doc-store-port.ts';
import type { DocSize } from './doc-size.ts';
import type { PresenceOwners } from './presence-owners.ts';

export interface ClusterLinkParts {
  sessionId: string;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  docSize: DocSize;
  presence: PresenceOwners;
  log: Logger;
  /** Awareness client ids of the peers connected to this instance. */
  localAwarenessIds(): number[];
}

export function followCluster(bus: DocBus, parts: ClusterLinkParts): void {
  const { sessionId, doc, awareness, log } = parts;
  bus.onRemoteUpdates((updates) => {
    doc.transact(() => {
      for (const update of updates) {
        try {
          Y.applyUpdate(doc, update);
          parts.docSize.add(update.length);
        } catch (error) {
          log.warn({ err: error, sessionId }, 'skipped an update from another instance that failed to apply');
        }
      }
    }, REMOTE_ORIGIN);
  });
  bus.onRemoteAwareness((update) => {
    const filtered = parts.presence.filterRemote(update);
    if (filtered.dropped > 0) log.warn({ sessionId, dropped: filtered.dropped }, 'dropped presence entries from another instance (too large, or a local client id)');
    if (filtered.update) awarenessProtocol.applyAwarenessUpdate(awareness, filtered.update, REMOTE_ORIGIN);
  });
  bus.onAwarenessQuery(() => {
    const ids = parts.localAwarenessIds();
    if (ids.length > 0) bus.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, ids));
  });
}
