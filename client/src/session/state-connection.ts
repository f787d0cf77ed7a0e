/**
 * The session state doc (room `<sessionId>/state`): follow-up fields, the "now discussing" pointer
 * and authors, written only by the server. Synced read-only: this client never changes the doc
 * (the server would refuse the frame and log a permission denial) and shows no presence on it.
 * When the room is unreachable the doc simply stays empty; the notes client does not depend on it.
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readAuthors, type Author } from '../../../shared/authorship.ts';
import { readDiscussion, type DiscussionState } from '../../../shared/discussion.ts';
import { readFollowups, type FollowupEntry } from '../../../shared/followups.ts';
import { CloseCode, COLLAB_PATH } from '../../../shared/protocol.ts';
import { STATE_ROOM_SUFFIX } from '../../../shared/session-state.ts';

const RESYNC_MS = 15_000;

export class StateConnection {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private readonly listeners = new Set<() => void>();

  /** `socketClass`: e.g. the read views' socket that never sends content (read/read-only-socket.ts). */
  constructor(readonly sessionId: string, token: string | undefined, socketClass?: typeof WebSocket) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.provider = new WebsocketProvider(`${scheme}//${location.host}${COLLAB_PATH}`, sessionId + STATE_ROOM_SUFFIX, this.doc, {
      ...(socketClass ? { WebSocketPolyfill: socketClass } : {}),
      disableBc: true,
      maxBackoffTime: 5000,
      ...(token ? { params: { token } } : {}),
      // Nobody's presence lives here, so the room would be silent: ask for its state now and then
      // (y-websocket drops a socket that heard nothing for 30 s).
      resyncInterval: RESYNC_MS,
      shouldReconnect: (event) => event.code !== CloseCode.FORBIDDEN && event.code !== CloseCode.SESSION_NOT_FOUND,
    });
    this.provider.awareness.setLocalState(null);
    this.doc.on('update', () => this.changed());
  }

  get followups(): Map<string, FollowupEntry> {
    return readFollowups(this.doc);
  }

  get discussion(): DiscussionState {
    return readDiscussion(this.doc);
  }

  get authors(): Map<number, Author> {
    return readAuthors(this.doc);
  }

  /** Called after every change the server sends. */
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
