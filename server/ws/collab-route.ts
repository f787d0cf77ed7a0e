/**
 * The WebSocket edge: `/collab/:sessionId` speaks the y-websocket protocol. It adapts each `ws`
 * socket to the doc service's PeerSocket and routes frames; the message listener is attached
 * synchronously, before anything awaits, so a client's first sync message is never lost.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { AppError } from '../../shared/errors.ts';
import { STATE_ROOM_SUFFIX } from '../../shared/session-state.ts';
import { isValidId } from '../../shared/ids.ts';
import { CloseCode, COLLAB_PATH } from '../../shared/protocol.ts';
import { can } from '../../shared/roles.ts';
import type { DocService, PeerAccess } from '../docs/doc-service.ts';
import type { PeerConnection, PeerSocket } from '../docs/peer.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';

export interface CollabRouteOptions {
  /** Session notes docs: writable for roles that may edit. */
  docs: DocService;
  /** Session state docs: read-only for every peer (only the server writes them). */
  state: DocService;
  access: AccessPolicy;
  meta: MetaService;
  pingIntervalMs: number;
}

type Room = { kind: 'notes' | 'state'; sessionId: string };

const OPEN = 1;

function peerSocketOf(socket: WebSocket): PeerSocket {
  return {
    send(message) {
      if (socket.readyState === OPEN) socket.send(message);
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
  /** Sockets opened with a session link, by link id, so revoking a link closes them. */
  const byTokenId = new Map<string, Set<PeerSocket>>();
  const stopListening = options.meta.onTokenRevoked((info) => {
    for (const peer of byTokenId.get(info.id) ?? []) peer.close(CloseCode.FORBIDDEN, 'this link was revoked');
    byTokenId.delete(info.id);
  });
  app.addHook('onClose', async () => stopListening());

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
      if (tokenId) {
        const peers = byTokenId.get(tokenId) ?? new Set();
        byTokenId.set(tokenId, peers.add(peer));
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      peer.close(error.closeCode, error.message.slice(0, 120));
      return null;
    }
    return (room.kind === 'notes' ? options.docs : options.state).connect(room.sessionId, peer, access);
  };

  const handler = (kind: Room['kind']) => (socket: WebSocket, request: { params: unknown; query: unknown; log: { warn(o: object, m: string): void } }) => {
    sockets.add(socket);
    alive.add(socket);
    const { sessionId } = request.params as { sessionId: string };
    const token = (request.query as { token?: unknown }).token;
    const peer = peerSocketOf(socket);
    const connection = attach({ kind, sessionId }, typeof token === 'string' && token !== '' ? token : undefined, peer);
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
      for (const peers of byTokenId.values()) peers.delete(peer);
      connection?.closed();
    });
    socket.on('error', (error) => request.log.warn({ err: error, sessionId }, 'websocket error'));
  };

  app.get(`${COLLAB_PATH}/:sessionId`, { websocket: true }, handler('notes'));
  app.get(`${COLLAB_PATH}/:sessionId${STATE_ROOM_SUFFIX}`, { websocket: true }, handler('state'));
}
