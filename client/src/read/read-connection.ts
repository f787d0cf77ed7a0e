/**
 * A reader's live copy of a session's notes: a fresh Y.Doc synced by the stock y-websocket
 * provider, nothing else. Unlike the session page it keeps no IndexedDB copy and no change
 * journal, and its socket drops any frame that carries content (read-only-socket.ts): the doc is
 * only ever changed by the server's updates, and nothing of it is ever sent. It shows no presence, and asks for the
 * server's state now and then so y-websocket does not drop a socket that hears nothing (30 s).
 * A socket closed with 4403 (the link was revoked, or is for another session) or 4404 (no such
 * session) is not reopened; the page is told through `onChange`.
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CloseCode, COLLAB_PATH } from '../../../shared/protocol.ts';
import { connectionStateOf, type ConnectionState } from '../session/connection-state.ts';
import { ReadOnlyWebSocket } from './read-only-socket.ts';

const RESYNC_MS = 15_000;
const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.SESSION_NOT_FOUND, CloseCode.BAD_MESSAGE, CloseCode.FORBIDDEN]);

export class ReadConnection {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private closedWith: { code: number; reason: string } | null = null;
  private everConnected = false;
  private failedOnce = false;
  private readonly listeners = new Set<() => void>();

  constructor(readonly sessionId: string, token: string | undefined) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.provider = new WebsocketProvider(`${scheme}//${location.host}${COLLAB_PATH}`, sessionId, this.doc, {
      WebSocketPolyfill: ReadOnlyWebSocket,
      disableBc: true,
      maxBackoffTime: 5000,
      resyncInterval: RESYNC_MS,
      ...(token ? { params: { token } } : {}),
      shouldReconnect: (event) => !TERMINAL_CLOSE_CODES.has(event.code),
    });
    this.provider.awareness.setLocalState(null);
    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.everConnected = true;
      this.changed();
    });
    this.provider.on('sync', () => this.changed());
    this.provider.on('connection-error', () => {
      this.failedOnce = true;
      this.changed();
    });
    this.provider.on('connection-close', () => {
      this.failedOnce = true;
      this.changed();
    });
    this.provider.on('closed', ({ code, reason }) => {
      if (TERMINAL_CLOSE_CODES.has(code)) this.closedWith = { code, reason };
      this.changed();
    });
  }

  get state(): ConnectionState {
    const code = this.closedWith?.code;
    return connectionStateOf({
      notFound: code === CloseCode.SESSION_NOT_FOUND,
      forbidden: code === CloseCode.FORBIDDEN,
      refusedReason: code === CloseCode.BAD_MESSAGE ? this.closedWith!.reason || 'refused' : null,
      everConnected: this.everConnected,
      failedOnce: this.failedOnce,
      connected: this.provider.wsconnected,
      synced: this.provider.synced,
      unsaved: 0,
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
