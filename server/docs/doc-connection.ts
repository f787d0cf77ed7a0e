/**
 * One client connection to a session doc (the registry's connect): a state machine that queues
 * frames until the doc is loaded, then hands them to the live doc in order; answers a fresh
 * client from the stored bytes while a large doc is still being applied; and refuses edits of a
 * read-only peer (its role, read per frame) with permission-denied instead of applying them.
 */
import * as Y from 'yjs';
import { AppError } from '../../shared/errors.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { carriesEdit, encodePermissionDenied, encodeSyncFrame, isFreshSyncStep1, SYNC_STEP2, SYNC_UPDATE } from '../../shared/wire.ts';
import type { Logger } from '../logger.ts';
import type { LiveDoc } from './live-doc.ts';
import { truncateReason, type PeerConnection, type PeerSocket } from './peer.ts';

/** What a connection may do. */
export interface PeerAccess {
  /** False: the peer syncs read-only; frames carrying edits are refused and never applied. */
  canWrite: boolean;
}

/** What a connection needs of the doc registry. */
export interface ConnectionHost {
  readonly shuttingDown: boolean;
  exists(sessionId: string): boolean;
  /** Frames a connection may send before its doc is loaded; more closes it. */
  maxQueuedFrames: number;
  log: Logger;
  /** Keeps a session from being evicted while a connection attaches (+1) or is done (-1). */
  pin(sessionId: string, delta: number): void;
  /** (Un)registers `answer` for the stored bytes of a session being loaded. */
  listenForLoad(sessionId: string, answer: (stored: readonly Uint8Array[]) => void, listen: boolean): void;
  acquire(sessionId: string): Promise<LiveDoc>;
  releaseIfIdle(sessionId: string): void;
  lastPeerLeft(doc: LiveDoc): void;
}

type ConnectionState =
  | { kind: 'loading'; queue: Uint8Array[]; answered: boolean }
  | { kind: 'open'; doc: LiveDoc }
  | { kind: 'closed' };

/** The updates logged after the snapshot merged into one, then sync step 2 with the snapshot: the
 *  client has everything once it has step 2 (as LiveDoc's replies from its cached state). */
function sendFullState(socket: PeerSocket, stored: readonly Uint8Array[]): void {
  if (stored.length > 1) socket.send(encodeSyncFrame(SYNC_UPDATE, Y.mergeUpdates(stored.slice(1))));
  socket.send(encodeSyncFrame(SYNC_STEP2, stored[0]!));
}

/**
 * Attaches a client socket to a session. Returns synchronously so the edge can route frames
 * before the doc is loaded; they are queued and handled in order once it is.
 */
export function openConnection(host: ConnectionHost, sessionId: string, socket: PeerSocket, access: PeerAccess): PeerConnection {
  let state: ConnectionState = { kind: 'loading', queue: [], answered: false };
  const close = (code: number, reason: string): void => {
    if (state.kind === 'closed') return;
    state = { kind: 'closed' };
    socket.close(code, truncateReason(reason));
  };
  if (host.shuttingDown) close(CloseCode.GOING_AWAY, 'server shutting down');
  else if (!host.exists(sessionId)) close(CloseCode.SESSION_NOT_FOUND, `no session "${sessionId}"`);
  else {
    host.pin(sessionId, +1);
    const answerEarly = (stored: readonly Uint8Array[]): void => {
      if (state.kind !== 'loading' || state.answered) return;
      const index = state.queue.findIndex(isFreshSyncStep1);
      if (index < 0) return;
      state.queue.splice(index, 1);
      state.answered = true;
      sendFullState(socket, stored);
    };
    host.listenForLoad(sessionId, answerEarly, true);
    host.acquire(sessionId).then(
      (doc) => {
        host.listenForLoad(sessionId, answerEarly, false);
        host.pin(sessionId, -1);
        if (state.kind !== 'loading') {
          host.releaseIfIdle(sessionId);
          return;
        }
        if (doc.storageError) {
          close(CloseCode.STORAGE_UNAVAILABLE, 'storage unavailable: your edits are kept on your device');
          host.releaseIfIdle(sessionId);
          return;
        }
        const queued = state.queue;
        state = { kind: 'open', doc };
        doc.addPeer(socket);
        for (const frame of queued) doc.receive(socket, frame);
      },
      (error: unknown) => {
        host.listenForLoad(sessionId, answerEarly, false);
        host.pin(sessionId, -1);
        const appError = error instanceof AppError ? error : null;
        if (!appError) host.log.error({ err: error, sessionId }, 'doc load failed');
        close(appError?.closeCode ?? CloseCode.STORAGE_UNAVAILABLE, appError?.message ?? 'the session could not be loaded');
      },
    );
  }
  return {
    receive: (frame) => {
      if (!access.canWrite && state.kind !== 'closed' && carriesEdit(frame)) {
        socket.send(encodePermissionDenied('read-only connection: this edit was not applied'));
        return;
      }
      switch (state.kind) {
        case 'loading':
          if (state.queue.length >= host.maxQueuedFrames) close(CloseCode.RATE_LIMITED, 'too many frames before the session loaded');
          else state.queue.push(frame);
          return;
        case 'open':
          state.doc.receive(socket, frame);
          return;
        case 'closed':
          return;
      }
    },
    closed: () => {
      const previous = state;
      state = { kind: 'closed' };
      if (previous.kind === 'open') {
        previous.doc.removePeer(socket);
        if (previous.doc.peerCount === 0 && !host.shuttingDown) host.lastPeerLeft(previous.doc);
        host.releaseIfIdle(sessionId);
      }
    },
  };
}
