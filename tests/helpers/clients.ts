/** Real y-websocket clients (the stock WebsocketProvider over `ws`) for integration tests. */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { findSection, sectionNotes } from '../../shared/doc-schema.ts';
import { waitFor } from './wait-for.ts';

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves once the first sync with the server completed. */
  synced(): Promise<void>;
  notes(topicId: string): Y.Text;
  destroy(): void;
}

const clients = new Set<TestClient>();

/** Connects a stock WebsocketProvider to `collabUrl/sessionId`. */
export function connectClient(
  collabUrl: string,
  sessionId: string,
  options: { name?: string; connect?: boolean; params?: Record<string, string> } = {},
): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(collabUrl, sessionId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    maxBackoffTime: 300,
    ...(options.params ? { params: options.params } : {}),
  });
  if (options.name) provider.awareness.setLocalStateField('user', { name: options.name, color: '#3366cc' });
  const client: TestClient = {
    doc,
    provider,
    synced: () => waitFor(() => provider.synced, `client of ${sessionId} to sync`).then(() => undefined),
    notes(topicId) {
      const section = findSection(doc, topicId);
      const notes = section && sectionNotes(section);
      if (!notes) throw new Error(`no section ${topicId} with notes in client doc`);
      return notes;
    },
    destroy() {
      clients.delete(client);
      provider.destroy();
      doc.destroy();
    },
  };
  clients.add(client);
  return client;
}

/** Destroys every client still open (call in afterEach). */
export function destroyAllClients(): void {
  for (const client of [...clients]) client.destroy();
}
