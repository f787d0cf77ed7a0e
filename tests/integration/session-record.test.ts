import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { readAuthors } from '../../shared/authorship.ts';
import { readDiscussion } from '../../shared/discussion.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
let servers: TestServer[] = [];
afterEach(async () => {
  destroyAllClients();
  for (const s of servers) await s.stop();
  for (const s of servers) await s.close();
  servers = [];
});

async function put(s: TestServer, topicId: string | null, token?: string): Promise<Response> {
  return fetch(`${s.url}/api/sessions/${SESSION}/discussion`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ topicId }),
  });
}

describe('now discussing', () => {
  it('a lead moves the pointer; every state-doc peer sees it live; the log keeps real start and end times', async () => {
    const s = await startServer();
    servers.push(s);
    const stateDoc = new Y.Doc();
    const watcher = new WebsocketProvider(s.collabUrl, `${SESSION}/state`, stateDoc, { WebSocketPolyfill: WebSocket as any, disableBc: true });
    try {
      await waitFor(() => watcher.synced, 'state doc sync');
      expect((await put(s, 'android-containers')).status).toBe(403); // anonymous participant
      expect((await put(s, 'android-containers', TEST_ADMIN_TOKEN)).status).toBe(200);
      await waitFor(() => readDiscussion(stateDoc).current === 'android-containers', 'pointer to arrive');
      const moved = await put(s, 'adding-a-new-clone-syscall', TEST_ADMIN_TOKEN);
      const body = await moved.json();
      await waitFor(() => readDiscussion(stateDoc).current === 'adding-a-new-clone-syscall', 'second pointer');
      const { log } = readDiscussion(stateDoc);
      expect(log.map((slot) => slot.topicId)).toEqual(['android-containers', 'adding-a-new-clone-syscall']);
      expect(log[0]!.end).toBe(log[1]!.start);
      expect(Date.parse(log[0]!.start)).toBeLessThanOrEqual(Date.parse(log[0]!.end!));
      expect(log[1]!.end).toBeNull();
      expect(body).toEqual(readDiscussion(stateDoc));
      expect((await put(s, 'no-such-topic', TEST_ADMIN_TOKEN)).status).toBe(404);
      expect((await put(s, null, TEST_ADMIN_TOKEN)).status).toBe(200);
      await waitFor(() => readDiscussion(stateDoc).current === null, 'pointer cleared');
      expect(readDiscussion(stateDoc).log.every((slot) => slot.end !== null)).toBe(true);
    } finally {
      watcher.destroy();
    }
  });
});

describe('authorship', () => {
  it('contributors come from who wrote the text, not who was online, and survive a restart', async () => {
    const s = await startServer();
    servers.push(s);
    const alice = connectClient(s.collabUrl, SESSION, { name: 'Alice' });
    const bob = connectClient(s.collabUrl, SESSION, { name: 'Bob' });
    const lurker = connectClient(s.collabUrl, SESSION, { name: 'Lurking Larry' });
    await Promise.all([alice.synced(), bob.synced(), lurker.synced()]);
    alice.notes('android-containers').insert(0, 'binderfs is upstream. ');
    bob.notes('adding-a-new-clone-syscall').insert(0, 'clone3 landed in 5.3');
    const contributors = async () => (await (await fetch(`${s.url}/api/sessions/${SESSION}/contributors`)).json()).contributors;
    await waitFor(async () => (await contributors()).length === 2, 'two contributors');
    expect((await contributors()).sort()).toEqual(['Alice', 'Bob']);
    // Bob's text deleted by Alice: Bob is no longer a contributor of the notes as they stand.
    await waitFor(() => alice.notes('adding-a-new-clone-syscall').length > 0, 'Bob edit at Alice');
    alice.notes('adding-a-new-clone-syscall').delete(0, alice.notes('adding-a-new-clone-syscall').length);
    await waitFor(async () => (await contributors()).length === 1, 'Bob gone');
    destroyAllClients();
    await s.stop();

    const again = await startServer({ dataDir: s.dataDir });
    servers.push(again);
    expect((await (await fetch(`${again.url}/api/sessions/${SESSION}/contributors`)).json()).contributors).toEqual(['Alice']);
    const authors = await again.app.stateDocs.withDoc(SESSION, (live) => readAuthors(live.doc));
    // Only writers are recorded (issue #13): the lurker never typed, so is not in the map at all.
    expect([...authors.values()].map((a) => a.name).sort()).toEqual(['Alice', 'Bob']);
  });
});
