/**
 * What a live doc needs from other server instances in cluster mode (issue #8). The embedded
 * server has no bus; the Redis store provides one per opened doc. The doc service never imports
 * Redis: it sees only this interface.
 */

/** Transaction origin of updates and awareness changes that came from another instance: they are
 *  already stored, so they are relayed to local peers but never appended or published again. */
export const REMOTE_ORIGIN = Symbol('remote instance');

export interface DocBus {
  /** Updates other instances stored, in stream order (the bus catches up after a network blip). */
  onRemoteUpdates(listener: (updates: Uint8Array[]) => void): void;
  /** Sends a y-protocols awareness update of local clients to the other instances. */
  publishAwareness(update: Uint8Array): void;
  onRemoteAwareness(listener: (update: Uint8Array) => void): void;
  /** Another instance just loaded the doc and asks for the presence of everyone connected here. */
  onAwarenessQuery(listener: () => void): void;
  /** True while this instance holds the session's lease (it compacts, checkpoints and builds
   *  server-made structure; exactly one instance at a time). */
  readonly isLeader: boolean;
  /** Runs `build` as the leader once the doc has every stored update applied, so structure the
   *  server adds (sections of new topics) is added once cluster-wide. False: another instance leads. */
  asLeader(build: () => void): Promise<boolean>;
  /** Called when this instance takes over the lease (e.g. the previous leader died). */
  onLeadership(listener: () => void): void;
}
