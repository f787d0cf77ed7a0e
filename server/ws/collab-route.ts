/**
 * The WebSocket edge: `/collab/:sessionId` speaks the y-websocket protocol. It adapts each `ws`
 * socket to the doc service's PeerSocket and routes frames; the message listener is attached
 * synchronously, before anything awaits, so a client's first sync message is never lost.
 *
 * Limits enforced here (issue #6): browser Origin, connections per address, per-connection frame
 * and byte rates, and the outgoing buffer of each socket. Frame size is ws' maxPayload (app.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { AppError } from '../../shared/errors.ts';
import { isValidId } from '../../shared/ids.ts';
import { CloseCode, COLLAB_PATH } from '../../shared/protocol.ts';
import { can } from '../../shared/roles.ts';
import { STATE_ROOM_SUFFIX } from '../../shared/session-state.ts';
import type { DocService, PeerAccess } from '../docs/doc-service.ts';
import type { PeerConnection, PeerSocket } from '../docs/peer.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { ConnectionCounter, ConnectionRateLimiter, type ConnectionRateLimits } from './connection-limits.ts';
import { deflateWindowBits, framedOnce, frameFormat, parseExtensions } from './broadcast-frames.ts';
import { isOriginAllowed } from './origin-check.ts';
import { addressKey } from './address-key.ts';

export interface CollabRouteOptions {
  /** Session notes docs: writable for roles that may edit. */
  docs: DocService;
  /** Session state docs: read-only for every peer (only the server writes them). */
  state: DocService;
  access: AccessPolicy;
  meta: MetaService;
  pingIntervalMs: number;
  closeHandshakeTimeoutMs: number;
  /** Rates of one connection (per connection, never per address). */
  rateLimits: ConnectionRateLimits;
  maxConnectionsPerIp: number;
  /** Drop a socket once more than this waits to be sent to it. */
  maxBufferedBytes: number;
  /** Broadcast messages at least this long are compressed for peers that negotiated
   *  permessage-deflate (ws' own compression is off: see app.ts). */
  compressMinBytes: number;
  /** Browser origins allowed besides the server's own host; `*` allows any. */
  allowedOrigins: readonly string[];
}

type Room = { kind: 'notes' | 'state'; sessionId: string };

const OPEN = 1;
/** The window to compress broadcasts with, when the peer negotiated permessage-deflate: read from
 *  the handshake's answer (ws' public 'headers' event), never from ws internals. */
function negotiatedDeflateBits(acceptedExtensions: string | undefined): number | null {
  const deflate = parseExtensions(acceptedExtensions)['permessage-deflate'];
  // Without server_no_context_takeover a message's bytes would depend on the ones before it.
  if (!deflate?.server_no_context_takeover) return null;
  return deflateWindowBits(deflate.server_max_window_bits);
}

/** Handshake details kept per upgrade request: the accepted extensions and the TCP socket. */
interface Handshake {
  /** The Sec-WebSocket-Extensions header the server answered with. */
  extensions: string | undefined;
}

function peerSocketOf(
  socket: WebSocket,
  tcp: Duplex,
  handshake: Handshake | undefined,
  limits: { maxBufferedBytes: number; closeHandshakeTimeoutMs: number; compressMinBytes: number },
): PeerSocket {
  const { maxBufferedBytes, closeHandshakeTimeoutMs } = limits;
  const close = (code: number, reason: string): void => {
    if (socket.readyState !== OPEN) return;
    socket.close(code, reason);
    // ws would wait 30 s for the answer; an offline client must not hold a shutdown that long.
    setTimeout(() => socket.terminate(), closeHandshakeTimeoutMs).unref();
  };
  // Checked before queueing, so one large message (a joining client's full state) always goes out
  // when the buffer is empty; a client that does not read is dropped instead of buffered.
  const tooSlow = (): boolean => {
    if (socket.bufferedAmount <= maxBufferedBytes) return false;
    close(CloseCode.CLIENT_TOO_SLOW, `too far behind: more than ${maxBufferedBytes} bytes waiting to be sent; reconnect to resync`);
    return true;
  };
  const format = frameFormat(negotiatedDeflateBits(handshake?.extensions), limits.compressMinBytes);
  return {
    send(message) {
      if (socket.readyState !== OPEN || tooSlow()) return;
      // Only broadcasts are compressed (once for everyone, below): ws would keep a zlib context
      // of ~300 KB per socket for its own.
      socket.send(message, { compress: false });
    },
    sendBatch(messages) {
      if (socket.readyState !== OPEN || tooSlow()) return;
      // A broadcast hands every peer the same array: it is framed once per format and written as
      // one buffer per peer, straight to the upgraded TCP socket (ws writes its frames there too).
      tcp.write(framedOnce(messages, format));
    },
    close,
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export async function collabRoute(app: FastifyInstance, options: CollabRouteOptions): Promise<void> {
  /** What ws answered each upgrade request with (read back in the route's wsHandler). */
  const handshakes = new WeakMap<IncomingMessage, Handshake>();
  const onHeaders = (headers: string[], request: IncomingMessage): void => {
    const line = headers.find((header) => header.toLowerCase().startsWith('sec-websocket-extensions:'));
    handshakes.set(request, { extensions: line?.slice(line.indexOf(':') + 1).trim() });
  };
  app.websocketServer.on('headers', onHeaders);
  app.addHook('onClose', async () => app.websocketServer.off('headers', onHeaders));
  const alive = new WeakSet<WebSocket>();
  const sockets = new Set<WebSocket>();
  const perAddress = new ConnectionCounter(options.maxConnectionsPerIp);
  /** Sockets opened with a session link, by link id, so revoking a link closes them. */
  const byTokenId = new Map<string, Set<PeerSocket>>();
  const stopListening = options.meta.onTokenRevoked((info) => {
    for (const peer of byTokenId.get(info.id) ?? []) peer.close(CloseCode.FORBIDDEN, 'this link was revoked');
    byTokenId.delete(info.id);
  });
  app.addHook('onClose', async () => stopListening());
  /** Notes connections that may edit only because their event is open to anyone (no link), by
   *  session. Closing the event re-evaluates them: they stay connected, read-only, and their
   *  edits are answered with permission-denied from then on (the PeerAccess is read per frame). */
  const anonymousWriters = new Map<string, Map<PeerSocket, PeerAccess>>();
  const stopClosedListening = options.meta.onEventClosed((eventId) => {
    for (const session of options.meta.sessionsOf(eventId)) {
      const writers = anonymousWriters.get(session.id);
      if (!writers) continue;
      const canWrite = can(options.access.inSession(session.id, undefined).role, 'edit');
      if (canWrite) continue;
      for (const access of writers.values()) access.canWrite = false;
      anonymousWriters.delete(session.id);
    }
  });
  app.addHook('onClose', async () => stopClosedListening());

  /** Resolves the caller's role and attaches the socket to the room's doc, or closes it. */
  const attach = (room: Room, token: string | undefined, peer: PeerSocket): PeerConnection | null => {
    if (!isValidId(room.sessionId)) {
      peer.close(CloseCode.BAD_MESSAGE, 'invalid session id');
      return null;
    }
    let access: PeerAccess;
    try {
      const { role, tokenId } = options.access.inSession(room.sessionId, token);
      access = { canWrite: room.kind === 'notes' && can(role, 'edit') };
      if (tokenId) byTokenId.set(tokenId, (byTokenId.get(tokenId) ?? new Set()).add(peer));
      if (token === undefined && access.canWrite) anonymousWriters.set(room.sessionId, (anonymousWriters.get(room.sessionId) ?? new Map()).set(peer, access));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      peer.close(error.closeCode, error.message.slice(0, 120));
      return null;
    }
    return (room.kind === 'notes' ? options.docs : options.state).connect(room.sessionId, peer, access);
  };

  // A socket that did not answer the previous ping is dead (e.g. a laptop closed mid-session).
  const pinger = setInterval(() => {
    for (const socket of sockets) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, options.pingIntervalMs);
  pinger.unref();
  app.addHook('onClose', async () => clearInterval(pinger));

  const route = (kind: Room['kind'], url: string): void => {
    app.route<{ Params: { sessionId: string }; Querystring: { token?: string } }>({
      method: 'GET',
      url,
      // Refused before the upgrade: a page on another site gets a 403 and never a socket.
      preValidation: async (request) => {
        if (!isOriginAllowed(request.headers.origin, request.headers.host, options.allowedOrigins)) {
          throw new AppError('FORBIDDEN', `Origin ${request.headers.origin} may not connect (see ALLOWED_ORIGINS).`);
        }
      },
      // A plain HTTP GET (no Upgrade header).
      handler: async () => {
        throw new AppError('UPGRADE_REQUIRED', `${COLLAB_PATH}/<sessionId> is a WebSocket endpoint (y-websocket protocol).`);
      },
      wsHandler: (socket, request) => {
        const { sessionId } = request.params;
        // IPv6 counts per /64, IPv4-mapped IPv6 as the IPv4 address.
        const address = addressKey(request.ip);
        const peer = peerSocketOf(socket, request.raw.socket, handshakes.get(request.raw), options);
        if (!perAddress.tryAcquire(address)) {
          peer.close(CloseCode.RATE_LIMITED, `too many connections from your address (limit ${options.maxConnectionsPerIp})`);
          return;
        }
        sockets.add(socket);
        alive.add(socket);
        const limiter = new ConnectionRateLimiter(options.rateLimits);
        const token = typeof request.query.token === 'string' && request.query.token !== '' ? request.query.token : undefined;
        const connection = attach({ kind, sessionId }, token, peer);
        socket.on('message', (data, isBinary) => {
          if (!connection || socket.readyState !== OPEN) return;
          if (!isBinary) {
            peer.close(CloseCode.BAD_MESSAGE, 'text frames are not part of the protocol: send binary frames');
            return;
          }
          const frame = toBytes(data);
          const exceeded = limiter.check(frame.length);
          if (exceeded) {
            const { maxMessagesPerSecond, maxBytesPerSecond } = options.rateLimits;
            peer.close(
              CloseCode.RATE_LIMITED,
              exceeded === 'messages' ? `rate limit: more than ${maxMessagesPerSecond} messages per second` : `rate limit: more than ${maxBytesPerSecond} bytes per second`,
            );
            return;
          }
          connection.receive(frame);
        });
        socket.on('pong', () => alive.add(socket));
        socket.on('close', () => {
          sockets.delete(socket);
          perAddress.release(address);
          for (const peers of byTokenId.values()) peers.delete(peer);
          anonymousWriters.get(sessionId)?.delete(peer);
          connection?.closed();
        });
        socket.on('error', (error) => request.log.debug({ err: error, sessionId }, 'websocket error'));
      },
    });
  };
  route('notes', `${COLLAB_PATH}/:sessionId`);
  route('state', `${COLLAB_PATH}/:sessionId${STATE_ROOM_SUFFIX}`);
}
