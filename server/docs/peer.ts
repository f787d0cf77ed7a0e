/**
 * What the doc service needs of a client connection: the WebSocket edge adapts `ws` to this, tests
 * use a fake. The service never imports ws or fastify.
 */
export interface PeerSocket {
  /** Queues one binary message. */
  send(message: Uint8Array): void;
  /** Optional: queue several messages as one write to the kernel. The broadcast hands the same
   *  array to every peer, so an edge may encode it once per array rather than once per peer. */
  sendBatch?(messages: readonly Uint8Array[]): void;
  /** Closes the connection with a close code and a short human-readable reason. */
  close(code: number, reason: string): void;
}

/** The service's side of one connection, handed to the edge. */
export interface PeerConnection {
  /** One inbound binary frame, in arrival order. Never throws. */
  receive(frame: Uint8Array): void;
  /** The socket closed (by either side); idempotent. */
  closed(): void;
}

/** WebSocket close reasons are limited to 123 bytes. */
export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  return bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD*$/, '') + '...';
}
