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
import { CloseCode, COLLAB_PATH } from '../../shared/protocol.ts';
import { STATE_ROOM_SUFFIX } from '../../shared/session-state.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { PeerConnection, PeerSocket } from '../docs/peer.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { ConnectionCounter, ConnectionRateLimiter, type ConnectionRateLimits } from './connection-limits.ts';
import { deflateWindowBits, framedOnce, frameFormat, parseExtensions } from './broadcast-frames.ts';
import { isOriginAllowed } from './origin-check.ts';
import { RoomAccess, type Room } from './room-access.ts';
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

/** What ws answered each upgrade request with, read from its public 'headers' event. */
function watchHandshakes(app: FastifyInstance): WeakMap<IncomingMessage, Handshake> {
  const handshakes = new WeakMap<IncomingMessage, Handshake>();
  const onHeaders = (headers: string[], request: IncomingMessage): void => {
    const line = headers.find((header) => header.toLowerCase().startsWith('sec-websocket-extensions:'));
    handshakes.set(request, { extensions: line?.slice(line.indexOf(':') + 1).trim() });
  };
  app.websocketServer.on('headers', onHeaders);
  app.addHook('onClose', async () => app.websocketServer.off('headers', onHeaders));
  return handshakes;
}

/** Pings every socket each interval; one that did not answer the previous ping is dead (e.g. a
 *  laptop closed mid-session) and is cut. */
function keepAlive(app: FastifyInstance, intervalMs: number): { add(socket: WebSocket): void; delete(socket: WebSocket): void } {
  const sockets = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  const pinger = setInterval(() => {
    for (const socket of sockets) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  pinger.unref();
  app.addHook('onClose', async () => clearInterval(pinger));
  return {
    add(socket) {
      sockets.add(socket);
      alive.add(socket);
      socket.on('pong', () => alive.add(socket));
    },
    delete: (socket) => void sockets.delete(socket),
  };
}

/** Routes a socket's binary frames to its connection, within the per-connection rates. */
function receiveFrames(socket: WebSocket, peer: PeerSocket, connection: PeerConnection, rates: ConnectionRateLimits): void {
  const limiter = new ConnectionRateLimiter(rates);
  socket.on('message', (data, isBinary) => {
    if (socket.readyState !== OPEN) return;
    if (!isBinary) {
      peer.close(CloseCode.BAD_MESSAGE, 'text frames are not part of the protocol: send binary frames');
      return;
    }
    const frame = toBytes(data);
    const exceeded = limiter.check(frame.length);
    if (exceeded) {
      const limit = exceeded === 'messages' ? `${rates.maxMessagesPerSecond} messages` : `${rates.maxBytesPerSecond} bytes`;
      peer.close(CloseCode.RATE_LIMITED, `rate limit: more than ${limit} per second`);
      return;
    }
    connection.receive(frame);
  });
}

export async function collabRoute(app: FastifyInstance, options: CollabRouteOptions): Promise<void> {
  const handshakes = watchHandshakes(app);
  const liveness = keepAlive(app, options.pingIntervalMs);
  const perAddress = new ConnectionCounter(options.maxConnectionsPerIp);
  const rooms = new RoomAccess(options);
  app.addHook('onClose', async () => rooms.close());

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
        liveness.add(socket);
        const token = typeof request.query.token === 'string' && request.query.token !== '' ? request.query.token : undefined;
        const connection = rooms.attach({ kind, sessionId }, token, peer);
        if (connection) receiveFrames(socket, peer, connection, options.rateLimits);
        socket.on('close', () => {
          liveness.delete(socket);
          perAddress.release(address);
          rooms.detach(sessionId, peer);
          connection?.closed();
        });
        socket.on('error', (error) => request.log.debug({ err: error, sessionId }, 'websocket error'));
      },
    });
  };
  route('notes', `${COLLAB_PATH}/:sessionId`);
  route('state', `${COLLAB_PATH}/:sessionId${STATE_ROOM_SUFFIX}`);
}
