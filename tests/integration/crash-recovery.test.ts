import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { makeTempDir } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPICS = ['android-containers', 'upstreaming-the-time-namespace-patchset', 'adding-a-new-clone-syscall'];
let cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  destroyAllClients();
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function child(dataDir: string): Promise<ChildServer> {
  const server = await startChildServer(dataDir);
  cleanup.push(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
  });
  return server;
}

describe('durability against kill -9', () => {
  it('after SIGKILL during typing, every edit any peer had received is present after restart', async () => {
    const dataDir = await makeTempDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await child(dataDir);
    const clients: TestClient[] = TOPICS.map(() => connectClient(first.collabUrl, SESSION));
    await Promise.all(clients.map((c) => c.synced()));
    expect(clients.every((c) => TOPICS.every((t) => c.notes(t).length === 0))).toBe(true);

    // Each client appends numbered tokens to its own topic until the server dies.
    let typing = true;
    const typists = clients.map(async (client, i) => {
      for (let n = 0; typing; n++) {
        const notes = client.notes(TOPICS[i]!);
        notes.insert(notes.length, `c${i}-${n};`);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    });
    await waitFor(() => clients.every((c) => TOPICS.every((t) => c.notes(t).length > 200)), 'everyone to receive a few hundred edits');
    first.child.kill('SIGKILL');
    await first.exited;
    typing = false;
    await Promise.all(typists);

    // What each topic's author had relayed: the longest text any *other* peer received.
    const received = TOPICS.map((topic, i) =>
      clients.filter((_, j) => j !== i).map((c) => c.notes(topic).toString()).reduce((a, b) => (b.length > a.length ? b : a), ''),
    );
    destroyAllClients();

    const second = await child(dataDir);
    const reader = connectClient(second.collabUrl, SESSION);
    await reader.synced();
    TOPICS.forEach((topic, i) => {
      expect(received[i]!.length).toBeGreaterThan(0);
      expect(reader.notes(topic).toString().startsWith(received[i]!)).toBe(true);
    });
  });

  it('SIGTERM stores everything and exits 0; clients resync after the restart', async () => {
    const dataDir = await makeTempDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await child(dataDir);
    const writer = connectClient(first.collabUrl, SESSION);
    await writer.synced();
    writer.notes(TOPICS[0]!).insert(0, 'said before the restart');
    const probe = connectClient(first.collabUrl, SESSION);
    await waitFor(() => probe.provider.synced && probe.notes(TOPICS[0]!).length > 0, 'edit on the server');
    probe.destroy();
    const closeCodes: number[] = [];
    writer.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closeCodes.push(event.code);
    });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await waitFor(() => closeCodes.length > 0, 'close event');
    expect(closeCodes[0]).toBe(1001);

    // Typed while the server is down, then merged when it is back.
    writer.notes(TOPICS[0]!).insert(writer.notes(TOPICS[0]!).length, ' and during it');
    // Back on the same port: the stock provider reconnects by itself and sends what it kept.
    const second = await startChildServer(dataDir, { PORT: String(first.port) });
    cleanup.push(async () => {
      second.child.kill('SIGKILL');
      await second.exited;
    });
    const reader = connectClient(second.collabUrl, SESSION);
    await waitFor(() => reader.provider.synced && reader.notes(TOPICS[0]!).toString() === 'said before the restart and during it', 'resync');
  });
});
