/**
 * Incoming updates (issue #7): the update frames read in one event-loop turn, from one or more
 * peers, are applied in one Yjs transaction at its end, so they make one update, one log append
 * and one relay entry. Yjs's per-transaction work grows with the number of clients a doc has
 * seen, so with hundreds of authors this is most of the cost of an update. A frame that fails
 * closes its sender only; the others are applied.
 */
import type * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { Clock } from './clock.ts';
import type { PeerSocket } from './peer.ts';
import { handleFrame, type FramePolicy } from './sync-handler.ts';

/** The origin of the transaction that applied the update frames of one turn. */
export class UpdateBatch {
  readonly senders = new Set<PeerSocket>();
  /** Frames applied (a failed one is not). */
  frames = 0;
}

interface IncomingUpdate {
  peer: PeerSocket;
  frame: Uint8Array;
  policy: FramePolicy;
}

export interface InboundBatchHooks {
  /** False once the doc cannot store edits: queued frames are dropped (kept on their devices). */
  accepting(): boolean;
  /** `peer`'s frame was applied. */
  applied(peer: PeerSocket): void;
  /** `peer`'s frame failed (it is then skipped for the rest of the batch). */
  failed(peer: PeerSocket, error: unknown): void;
}

export class InboundBatch {
  #doc: Y.Doc;
  #awareness: awarenessProtocol.Awareness;
  #clock: Clock;
  #hooks: InboundBatchHooks;
  #incoming: IncomingUpdate[] = [];

  constructor(doc: Y.Doc, awareness: awarenessProtocol.Awareness, clock: Clock, hooks: InboundBatchHooks) {
    this.#doc = doc;
    this.#awareness = awareness;
    this.#clock = clock;
    this.#hooks = hooks;
  }

  /** Queues an update frame; the first of a turn schedules the apply at the turn's end. */
  push(peer: PeerSocket, frame: Uint8Array, policy: FramePolicy): void {
    this.#incoming.push({ peer, frame, policy });
    if (this.#incoming.length === 1) this.#clock.setImmediate(this.apply);
  }

  /** Applies what was queued since the last call in one transaction (early, e.g. before a sync
   *  step 1 is answered or a peer leaves, so the answer has them). */
  apply = (): void => {
    const batch = this.#incoming;
    if (batch.length === 0) return;
    this.#incoming = [];
    if (!this.#hooks.accepting()) return;
    const failed = new Map<PeerSocket, unknown>();
    const origin = new UpdateBatch();
    this.#doc.transact(() => {
      for (const { peer, frame, policy } of batch) {
        if (failed.has(peer)) continue;
        try {
          handleFrame(frame, this.#doc, this.#awareness, origin, policy);
          origin.senders.add(peer);
          origin.frames++;
          this.#hooks.applied(peer);
        } catch (error) {
          failed.set(peer, error);
        }
      }
    }, origin);
    for (const [peer, error] of failed) this.#hooks.failed(peer, error);
  };
}
