/**
 * Wire constants of the y-websocket protocol (https://github.com/yjs/y-websocket, y-protocols) and
 * mcpad's WebSocket close codes. Every frame is: varUint message type, then the type's payload.
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

/** Path prefix of the collaboration endpoint: `ws://host:port/collab/<sessionId>`. */
export const COLLAB_PATH = '/collab';

/** WebSocket close codes sent by the server. 4xxx mirror the HTTP status of the same cause. */
export const CloseCode = {
  /** Server shutting down; reconnect later. */
  GOING_AWAY: 1001,
  /** Protocol error at the WebSocket framing level (sent by ws itself: bad opcode, unmasked frame). */
  PROTOCOL_ERROR: 1002,
  /** A frame larger than MAX_MESSAGE_BYTES (sent by ws itself), or an awareness state over its cap. */
  MESSAGE_TOO_LARGE: 1009,
  /** The server holds as many sessions in memory as it may; try again later. */
  TRY_AGAIN_LATER: 1013,
  /** Frame could not be decoded as a y-websocket message. */
  BAD_MESSAGE: 4400,
  /** Not allowed (origin refused, role may not connect). */
  FORBIDDEN: 4403,
  /** No session with that id. */
  SESSION_NOT_FOUND: 4404,
  /** The client fell too far behind: more than MAX_BUFFERED_BYTES waited to be sent to it. */
  CLIENT_TOO_SLOW: 4408,
  /** A per-connection or per-address limit was exceeded. */
  RATE_LIMITED: 4429,
  /** The document could not be loaded or stored; the client keeps its edits and retries. */
  STORAGE_UNAVAILABLE: 4503,
  /** The document would exceed its configured size. */
  DOC_TOO_LARGE: 4413,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
