/**
 * One session's live document in the browser: a Y.Doc kept in IndexedDB (y-indexeddb) and synced
 * with the server by the stock y-websocket provider, over a socket that reports every frame to
 * the SaveTracker. IndexedDB and the change journal are loaded before the socket opens, so changes
 * kept from an earlier (offline) page load are in the doc before the first handshake and are
 * counted as sent by it.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { topicSections } from '../../../shared/doc-schema.ts';
import { CloseCode, COLLAB_PATH } from '../../../shared/protocol.ts';
import { classifyFrame, encodeSyncStep1Frame } from '../../../shared/wire.ts';
import { ChangeJournal } from './change-journal.ts';
import { keepPresenceSafe } from './safe-presence.ts';
import { connectionStateOf, type ConnectionState } from './connection-state.ts';
import { SaveTracker, type SocketLedger } from './save-tracker.ts';

export interface AwarenessUser {
  name: string;
  color: string;
  colorLight: string;
}

const PROBE_DELAY_MS = 150;
const IDB_WAIT_MS = 3000;
const READER_RESYNC_MS = 15_000;
/** The server will never accept these: stop reconnecting (other 4xxx, e.g. 4429, are retried). */
const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.SESSION_NOT_FOUND, CloseCode.BAD_MESSAGE, CloseCode.FORBIDDEN]);

/** Origin of updates re-applied from the change journal (not local: they are not counted twice). */
const JOURNAL_ORIGIN = Symbol('change-journal');

function newPageId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class SessionConnection {
  readonly doc = new Y.Doc();
  readonly tracker: SaveTracker;
  readonly persistence: IndexeddbPersistence;
  provider!: WebsocketProvider;
  /** True once the doc has its structure (from IndexedDB or the first sync): editing may start. */
  ready = false;
  private notFound = false;
  private forbidden = false;
  private refusedReason: string | null = null;
  private everConnected = false;
  private failedOnce = false;
  private readonly listeners = new Set<() => void>();

  private readonly journal: ChangeJournal;
  /** Unconfirmed changes left by an earlier page load, applied once IndexedDB has loaded. */
  private readonly adopted: Uint8Array[];

  private constructor(readonly sessionId: string, private readonly token: string | undefined) {
    this.journal = new ChangeJournal(localStorage, sessionId, newPageId());
    this.adopted = this.journal.takeOver();
    // They are this page's unsaved changes now: counted, and stored again under this page.
    this.tracker = new SaveTracker(this.adopted.length);
    this.adopted.forEach((update, index) => this.journal.record(index + 1, update));
    // Registered before the provider's own update handler, so a change is counted before it is sent.
    this.doc.on('update', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      if (transaction.local) this.journal.record(this.tracker.localChange(), update);
    });
    this.tracker.onChange(() => {
      this.journal.confirmUpTo(this.tracker.confirmed);
      this.changed();
    });
    this.persistence = new IndexeddbPersistence(`mcpad:${sessionId}`, this.doc);
  }

  /** Loads the local copy, then connects (presenting `token`, a session link). `user` null: invisible (read-only view). */
  static async open(sessionId: string, user: AwarenessUser | null, token?: string): Promise<SessionConnection> {
    const connection = new SessionConnection(sessionId, token);
    await Promise.race([connection.persistence.whenSynced, new Promise((resolve) => setTimeout(resolve, IDB_WAIT_MS))]);
    for (const update of connection.adopted) Y.applyUpdate(connection.doc, update, JOURNAL_ORIGIN);
    if (topicSections(connection.doc).length > 0) connection.ready = true;
    connection.connect(user);
    return connection;
  }

  get state(): ConnectionState {
    return connectionStateOf({
      notFound: this.notFound,
      forbidden: this.forbidden,
      refusedReason: this.refusedReason,
      everConnected: this.everConnected,
      failedOnce: this.failedOnce,
      connected: this.provider.wsconnected,
      synced: this.provider.synced,
      unsaved: this.tracker.unsaved,
    });
  }

  get awareness(): WebsocketProvider['awareness'] {
    return this.provider.awareness;
  }

  /** Called on any change of state, readiness or unsaved count. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    this.provider.destroy();
    void this.persistence.destroy();
    this.doc.destroy();
  }

  private connect(user: AwarenessUser | null): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.provider = new WebsocketProvider(`${scheme}//${location.host}${COLLAB_PATH}`, this.sessionId, this.doc, {
      WebSocketPolyfill: this.trackedSocketClass(),
      // One path for every change: the server (and IndexedDB). Tabs do not talk to each other.
      disableBc: true,
      ...(this.token ? { params: { token: this.token } } : {}),
      maxBackoffTime: 5000,
      shouldReconnect: (event) => !TERMINAL_CLOSE_CODES.has(event.code),
      // y-websocket drops a socket that received nothing for 30 s. An editor hears its own presence
      // renewal every 15 s; an invisible reader alone in a session would hear nothing, so it asks
      // for the server's state now and then (answered by a small step 2).
      ...(user ? {} : { resyncInterval: READER_RESYNC_MS }),
    });
    keepPresenceSafe(this.provider.awareness);
    if (user) this.provider.awareness.setLocalStateField('user', user);
    else this.provider.awareness.setLocalState(null);
    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.everConnected = true;
      this.changed();
    });
    this.provider.on('sync', (synced) => {
      if (synced && !this.ready) this.ready = true;
      this.changed();
    });
    this.provider.on('connection-error', () => {
      this.failedOnce = true;
      this.changed();
    });
    this.provider.on('connection-close', () => {
      this.failedOnce = true;
      this.changed();
    });
    this.provider.on('closed', ({ code, reason }) => {
      if (code === CloseCode.SESSION_NOT_FOUND) this.notFound = true;
      if (code === CloseCode.FORBIDDEN) this.forbidden = true;
      if (code === CloseCode.BAD_MESSAGE) this.refusedReason = reason || 'malformed message';
      this.changed();
    });
  }

  /** A WebSocket that tells the tracker about every frame, and asks for confirmations. */
  private trackedSocketClass(): typeof WebSocket {
    const { tracker, doc } = this;
    return class TrackedWebSocket extends WebSocket {
      private readonly ledger: SocketLedger = tracker.openLedger();
      private probeTimer: ReturnType<typeof setTimeout> | null = null;

      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (event: MessageEvent) => {
          if (event.data instanceof ArrayBuffer) tracker.received(this.ledger, classifyFrame(new Uint8Array(event.data)));
        });
        this.addEventListener('close', () => tracker.closed(this.ledger));
      }

      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
        super.send(data);
        if (data instanceof Uint8Array) tracker.sent(this.ledger, classifyFrame(data));
        if (tracker.needsProbe(this.ledger) && this.probeTimer === null) {
          this.probeTimer = setTimeout(() => {
            this.probeTimer = null;
            if (this.readyState === WebSocket.OPEN && tracker.needsProbe(this.ledger)) {
              this.send(encodeSyncStep1Frame(Y.encodeStateVector(doc)));
            }
          }, PROBE_DELAY_MS);
        }
      }
    };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
