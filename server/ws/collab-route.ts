/**
 * The WebSocket edge: `/collab/:sessionId` speaks the y-websocket protocol. It adapts each `ws`
 * socket to the doc service's PeerSocket and routes frames; the message listener is attached
 * synchronously, before anything awaits, so a client's first sync message is never lost.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { isValidId } from '../../shared/ids.ts';
import { CloseCode, COLLAB_PATH } from '../../shared/protocol.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { PeerSocket } from '../docs/peer.ts';

export interface CollabRouteOptions {
  docs: DocService;
  pingIntervalMs: number;
}

const OPEN = 1;

function peerSocketOf(socket: WebSocket): PeerSocket {
  return {
    send(message) {
      if (socket.readyState === OPEN) socket.send(message);
    },
    sendBatch(messages) {
      if (socket.readyState !== OPEN) return;
      // ws frames each message with its own write; corking the TCP socket (ws's `_socket`, the
      // net.Socket under it) makes the broadcast one writev per peer per flush (issue #7).
      const tcp = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
      tcp?.cork();
      for (const message of messages) socket.send(message);
      tcp?.uncork();
    },
    close(code, reason) {
      if (socket.readyState === OPEN) socket.close(code, reason);
    },
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export async function collabRoute(app: FastifyInstance, options: CollabRouteOptions): Promise<void> {
  const alive = new WeakSet<WebSocket>();
  const sockets = new Set<WebSocket>();

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

  app.get<{ Params: { sessionId: string } }>(`${COLLAB_PATH}/:sessionId`, { websocket: true }, (socket, request) => {
    sockets.add(socket);
    alive.add(socket);
    const { sessionId } = request.params;
    const peer = peerSocketOf(socket);
    const connection = isValidId(sessionId) ? options.docs.connect(sessionId, peer) : null;
    socket.on('message', (data, isBinary) => {
      if (!connection) return;
      if (!isBinary) {
        peer.close(CloseCode.BAD_MESSAGE, 'text frames are not part of the protocol: send binary frames');
        return;
      }
      connection.receive(toBytes(data));
    });
    socket.on('pong', () => alive.add(socket));
    socket.on('close', () => {
      sockets.delete(socket);
      connection?.closed();
    });
    socket.on('error', (error) => request.log.warn({ err: error, sessionId }, 'websocket error'));
    if (!connection) peer.close(CloseCode.BAD_MESSAGE, 'invalid session id');
  });
}
