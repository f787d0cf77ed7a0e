/**
 * Broadcast (issue #7): updates and awareness changes are not relayed one by one. Each durable
 * update and each changed presence is queued, and one flush (after broadcastDelayMs, or at the end
 * of the event-loop turn; everything read from the sockets meanwhile is coalesced) sends every
 * peer at most one update message (the queued updates merged with Y.mergeUpdates, encoded once,
 * the same buffer for everyone) and one awareness message. With N peers and k edits in a turn that
 * is N sends instead of k·N. In cluster mode an update is relayed only once it is in Redis, and
 * local presence changes are published to the other instances.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { DocBus } from '../storage/doc-store-port.ts';
import type { Clock } from './clock.ts';
import type { DocMetrics } from './doc-metrics.ts';
import { UpdateBatch } from './inbound-batch.ts';
import type { PeerSocket } from './peer.ts';
import { encodeAwareness, encodeUpdate } from './sync-handler.ts';

/** An update waiting to be relayed: `stored` once it is durable (at once in embedded mode). */
export interface PendingUpdate {
  update: Uint8Array;
  origin: unknown;
  stored: boolean;
}

export interface BroadcasterOptions {
  awareness: awarenessProtocol.Awareness;
  clock: Clock;
  /** Wait this long after the first queued change; 0 flushes at the end of the turn. */
  delayMs: number;
  metrics: DocMetrics;
  bus: DocBus | null;
  /** The doc's peers now; none are told anything while `silenced` (a storage error closed them). */
  peers(): Iterable<PeerSocket>;
  silenced(): boolean;
}

export class Broadcaster {
  #options: BroadcasterOptions;
  #scheduled = false;
  /** Updates not relayed yet, in order, with the origin each came from. */
  #updates: PendingUpdate[] = [];
  /** Awareness client ids changed since the last flush. */
  #awareness = new Set<number>();
  /** Of those, the ids changed by local peers (published to the other instances). */
  #localAwareness = new Set<number>();

  constructor(options: BroadcasterOptions) {
    this.#options = options;
  }

  /** Queues an update; relayed by the next flush once it is stored. */
  queueUpdate(pending: PendingUpdate): void {
    this.#updates.push(pending);
    if (pending.stored) this.schedule();
  }

  /** Queues changed presence; `local`: changed by this instance's peers (published in cluster mode). */
  queueAwareness(ids: readonly number[], local: boolean): void {
    for (const id of ids) this.#awareness.add(id);
    if (local && this.#options.bus) for (const id of ids) this.#localAwareness.add(id);
    this.schedule();
  }

  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const delay = this.#options.delayMs;
    if (delay > 0) this.#options.clock.setTimeout(this.flush, delay);
    else this.#options.clock.setImmediate(this.flush);
  }

  /** Sends what was queued since the last flush: one update message and one awareness message,
   *  each encoded once and handed to every peer. */
  flush = (): void => {
    this.#scheduled = false;
    const { updates, origins } = this.#takeStoredUpdates();
    const awarenessIds = this.#awareness;
    this.#awareness = new Set();
    if (this.#localAwareness.size > 0) {
      this.#options.bus?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.#options.awareness, [...this.#localAwareness]));
      this.#localAwareness = new Set();
    }
    const peers = [...this.#options.peers()];
    // With a storage error every peer was closed; with no peers there is nobody to tell.
    if (this.#options.silenced() || peers.length === 0) return;
    let update: Uint8Array | null = null;
    let skip: unknown;
    if (updates.length > 0) {
      update = encodeUpdate(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
      // A single sender already has what it sent; with several, each gets the merged update,
      // its own part included (Yjs skips what it already has).
      if (origins.size === 1) skip = origins.values().next().value;
    }
    const presence = awarenessIds.size > 0 ? encodeAwareness(this.#options.awareness, [...awarenessIds]) : null;
    // Two message lists, built once and handed to every peer as they are (the edge frames each
    // list once for everyone): the sender skips its own update.
    const forEveryone = [update, presence].filter((m): m is Uint8Array => m !== null);
    const forSender = presence ? [presence] : [];
    let updatesSent = 0;
    for (const peer of peers) {
      const messages = peer === skip ? forSender : forEveryone;
      if (messages.length === 0) continue;
      if (peer.sendBatch) peer.sendBatch(messages);
      else for (const message of messages) peer.send(message);
      if (update && peer !== skip) updatesSent++;
    }
    const { metrics } = this.#options;
    if (update) metrics.sent('update', updatesSent, update.length);
    if (presence) metrics.sent('awareness', peers.length, presence.length);
    metrics.flushed(updates.length, awarenessIds.size);
  };

  /** The stored updates, in order, and who sent them; updates still on their way to Redis wait
   *  for the flush their write schedules. */
  #takeStoredUpdates(): { updates: Uint8Array[]; origins: Set<unknown> } {
    const updates: Uint8Array[] = [];
    const origins = new Set<unknown>();
    const waiting: PendingUpdate[] = [];
    for (const pending of this.#updates) {
      if (!pending.stored) waiting.push(pending);
      else {
        updates.push(pending.update);
        if (pending.origin instanceof UpdateBatch) for (const sender of pending.origin.senders) origins.add(sender);
        else origins.add(pending.origin);
      }
    }
    this.#updates = waiting;
    return { updates, origins };
  }
}
