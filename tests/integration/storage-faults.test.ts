/**
 * Storage faults (issue #6): kill -9 at random points of a write burst (many rounds), a disk that
 * stops accepting writes, and SIGTERM with busy clients. Nothing that was relayed may be lost.
 */
import path from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { DOCS_FOLDER, META_FILE } from '../../server/app.ts';
import { createFileDocStore, type DocHandle, type DocStore } from '../../server/storage/doc-store.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { rawClient } from '../helpers/raw-client.ts';
import { makeTempDir, startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPICS = ['android-containers', 'adding-a-new-clone-syscall'];
const KILL_ROUNDS = 20;

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  destroyAllClients();
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function child(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const server = await startChildServer(dataDir, env);
  cleanup.push(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
  });
  return server;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Fault injection at the storage boundary: a real file store whose writes fail with ENOSPC while
 *  `failing` is set (as a full disk would), and work again once it is cleared. */
function failingStore(rootDir: string): { store: DocStore; setFailing(on: boolean): void; failures(): number } {
  const inner = createFileDocStore({ rootDir, fsyncIntervalMs: 100, maxFrameBytes: 64 * 1024 * 1024 });
  let failing = false;
  let failures = 0;
  const enospc = (): Error => {
    failures++;
    return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  const wrap = (handle: DocHandle): DocHandle => ({
    get docId() {
      return handle.docId;
    },
    get logBytes() {
      return handle.logBytes;
    },
    get logFrames() {
      return handle.logFrames;
    },
    append(update) {
      if (failing) throw enospc();
      handle.append(update);
    },
    async compact(state) {
      if (failing) throw enospc();
      return handle.compact(state);
    },
    flush: () => handle.flush(),
    close: () => handle.close(),
    diskBytes: () => handle.diskBytes(),
  });
  return {
    store: {
      async open(docId) {
        const { handle, loaded } = await inner.open(docId);
        return { handle: wrap(handle), loaded };
      },
      exists: (docId) => inner.exists(docId),
      version: (docId) => inner.version(docId),
      closeAll: () => inner.closeAll(),
    },
    setFailing(on) {
      failing = on;
    },
    failures: () => failures,
  };
}

async function readStoredDoc(dataDir: string): Promise<Y.Doc> {
  const store = createFileDocStore({ rootDir: path.join(dataDir, DOCS_FOLDER), fsyncIntervalMs: 100, maxFrameBytes: 1024 ** 3 });
  const { handle, loaded } = await store.open(SESSION);
  const doc = new Y.Doc();
  for (const update of loaded.updates) Y.applyUpdate(doc, update);
  await handle.close();
  return doc;
}

const notesOf = (doc: Y.Doc, topicId: string): string =>
  String(
    (doc.getArray('topics').toArray() as Y.Map<unknown>[]).find((section) => section.get('id') === topicId)?.get('notes') ?? '',
  );

describe('kill -9 during a write burst', () => {
  it(`loses nothing relayed over ${KILL_ROUNDS} kills at random points (compactions included)`, async () => {
    const dataDir = await makeTempDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    // A tiny compaction threshold so kills also land inside snapshot writes and log switches.
    const env = { COMPACT_LOG_BYTES: '4096' };
    let seed = 0x5eed;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const relayed = TOPICS.map(() => '');
    let totalRelayedChars = 0;
    let editsSent = 0;
    const lost: string[] = [];
    let server = await child(dataDir, env);
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const writers: TestClient[] = TOPICS.map(() => connectClient(server.collabUrl, SESSION));
      await Promise.all(writers.map((w) => w.synced()));
      // Everything relayed in earlier rounds survived the previous kill.
      TOPICS.forEach((topic, i) => {
        const stored = writers[0]!.notes(topic).toString();
        if (!stored.startsWith(relayed[i]!)) lost.push(`round ${round} topic ${topic}: stored ${stored.length} chars, relayed ${relayed[i]!.length}`);
      });
      let typing = true;
      const typists = writers.map(async (writer, i) => {
        for (let n = 0; typing; n++) {
          const notes = writer.notes(TOPICS[i]!);
          notes.insert(notes.length, `r${round}c${i}n${n};`);
          editsSent++;
          await sleep(2);
        }
      });
      await sleep(50 + Math.floor(random() * 400));
      server.child.kill('SIGKILL');
      await server.exited;
      typing = false;
      await Promise.all(typists);
      // What was relayed: what the *other* writer received of each topic.
      TOPICS.forEach((topic, i) => {
        const seen = writers[1 - i]!.notes(topic).toString();
        if (seen.length > relayed[i]!.length) relayed[i] = seen;
      });
      destroyAllClients();
      server = await child(dataDir, env);
    }
    const reader = connectClient(server.collabUrl, SESSION);
    await reader.synced();
    TOPICS.forEach((topic, i) => {
      const stored = reader.notes(topic).toString();
      totalRelayedChars += relayed[i]!.length;
      if (!stored.startsWith(relayed[i]!)) lost.push(`final topic ${topic}: stored ${stored.length} chars, relayed ${relayed[i]!.length}`);
    });
    console.log(`kill -9: ${KILL_ROUNDS} kills during bursts (${editsSent} edits typed), ${totalRelayedChars} relayed characters checked after each restart, lost: ${lost.length === 0 ? 'nothing' : lost.join('; ')}`);
    expect(lost).toEqual([]);
    // "Nothing lost" means something only if edits were typed and relayed before the kills.
    expect(editsSent).toBeGreaterThan(KILL_ROUNDS);
    expect(totalRelayedChars).toBeGreaterThan(0);
    expect(relayed.every((text) => text.length > 0)).toBe(true);
  }, 300_000);
});

describe('metadata writes', () => {
  it('survive kill -9 mid-write: meta.json always parses and holds every acknowledged import', async () => {
    const dataDir = await makeTempDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = { MAX_WRITE_REQUESTS_PER_MINUTE: '1000000' };
    const acknowledged: string[] = [];
    let server = await child(dataDir, env);
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      let importing = true;
      const importer = (async () => {
        for (let n = 0; importing; n++) {
          const id = `m${round}-${n}`;
          try {
            const response = await fetch(`${server.url}/api/events/lpc2019/sessions?sessionId=${id}`, {
              method: 'POST',
              headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
              body: `# Kill round ${round} session ${n}\n- A topic\n- Another topic\n`,
            });
            if (response.status === 201) acknowledged.push(id);
          } catch {
            return; // the server died mid-request: not acknowledged
          }
        }
      })();
      await sleep(150 + round * 60);
      server.child.kill('SIGKILL');
      await server.exited;
      importing = false;
      await importer;
      JSON.parse(await readFile(path.join(dataDir, META_FILE), 'utf8'));
      server = await child(dataDir, env);
      const event = (await (await fetch(`${server.url}/api/events/lpc2019`)).json()) as { sessions: Array<{ id: string }> };
      const stored = new Set(event.sessions.map((session) => session.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    }
    console.log(`metadata: ${rounds} kills during import bursts, ${acknowledged.length} acknowledged imports, lost: nothing`);
    expect(acknowledged.length).toBeGreaterThan(rounds);
  }, 120_000);
});

describe('write failure', () => {
  it('a disk that stops accepting writes stops the doc (4503), keeps every edit, and lets edits flow again once it recovers', async () => {
    const dataDir = await makeTempDir();
    const faulty = failingStore(path.join(dataDir, DOCS_FOLDER));
    const s: TestServer = await startServer({ dataDir, docIdleUnloadMs: 100 }, { docStore: faulty.store });
    cleanup.push(() => s.close());
    const a = connectClient(s.collabUrl, SESSION);
    const b = connectClient(s.collabUrl, SESSION);
    await Promise.all([a.synced(), b.synced()]);
    const closeCodes: number[] = [];
    for (const c of [a, b]) c.provider.on('connection-close', (event: CloseEvent | null) => event && closeCodes.push(event.code));
    const topic = TOPICS[0]!;
    a.notes(topic).insert(0, 'before;');
    await waitFor(() => b.notes(topic).toString() === 'before;', 'edit before the fault');

    faulty.setFailing(true);
    a.notes(topic).insert(a.notes(topic).length, 'during;');
    await waitFor(() => closeCodes.filter((code) => code === CloseCode.STORAGE_UNAVAILABLE).length >= 2, 'both clients told 4503');
    // While the disk is full: nothing is relayed, nobody gets back in, the edit stays with its author.
    const probe = rawClient(`${s.collabUrl}/${SESSION}`);
    expect((await probe.closed).code).toBe(CloseCode.STORAGE_UNAVAILABLE);
    // The doc retries its write: once it has failed again, the edit had every chance to be relayed.
    const failedBefore = faulty.failures();
    await waitFor(() => faulty.failures() > Math.max(1, failedBefore), 'the write to be retried and fail again');
    expect(b.notes(topic).toString()).toBe('before;');
    expect(a.notes(topic).toString()).toBe('before;during;');
    expect(faulty.failures()).toBeGreaterThan(1); // retried, still failing

    faulty.setFailing(false);
    await waitFor(() => a.provider.synced && b.provider.synced && b.notes(topic).toString() === 'before;during;', 'recovery and resync', 20_000);
    a.notes(topic).insert(a.notes(topic).length, 'after;');
    await waitFor(() => b.notes(topic).toString() === 'before;during;after;', 'edits flow again');
    destroyAllClients();
    await s.stop();
    const stored = await readStoredDoc(dataDir);
    expect(notesOf(stored, topic)).toBe('before;during;after;');
    console.log(`write failure: ${faulty.failures()} failed writes injected; clients got 4503 ${closeCodes.filter((c) => c === 4503).length} times; lost: nothing`);
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('SIGTERM with busy clients: exits 0 within 10 s, clients get 1001, everything relayed is stored', async () => {
    const dataDir = await makeTempDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    // The noisy sockets below send full-state requests far above the default per-minute limit.
    const server = await child(dataDir, { MAX_SYNC_REQUESTS_PER_MINUTE: '1000000' });
    const writers = Array.from({ length: 8 }, () => connectClient(server.collabUrl, SESSION));
    await Promise.all(writers.map((w) => w.synced()));
    const closeCodes: number[] = [];
    for (const w of writers) w.provider.on('connection-close', (event: CloseEvent | null) => event && closeCodes.push(event.code));
    // Plus sockets that keep the server busy answering full-state requests.
    const noisy = Array.from({ length: 4 }, () => rawClient(`${server.collabUrl}/${SESSION}`));
    await Promise.all(noisy.map((n) => n.opened));
    let typing = true;
    const typists = writers.map(async (w, i) => {
      for (let n = 0; typing; n++) {
        const notes = w.notes(TOPICS[i % 2]!);
        notes.insert(notes.length, `w${i}n${n};`);
        if (i < noisy.length) noisy[i]!.send(new Uint8Array([0, 0, 1, 0]));
        await sleep(3);
      }
    });
    await sleep(700);
    const started = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    const tookMs = Date.now() - started;
    typing = false;
    await Promise.all(typists);
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    await waitFor(() => closeCodes.length >= writers.length, 'every writer closed');
    expect(closeCodes.slice(0, writers.length).every((c) => c === CloseCode.GOING_AWAY)).toBe(true);
    const noisyCodes = await Promise.all(noisy.map((n) => n.closed.then((c) => c.code)));
    expect(noisyCodes.every((c) => c === CloseCode.GOING_AWAY)).toBe(true);
    // Every token a writer had received from another writer was relayed, so it must be stored.
    // (Concurrent appends interleave by client id, so texts are not prefixes of each other.)
    const tokens = (text: string): string[] => text.match(/w\d+n\d+;/g) ?? [];
    const relayed = TOPICS.map((topic) => new Set(writers.flatMap((w, i) => tokens(w.notes(topic).toString()).filter((t) => !t.startsWith(`w${i}n`)))));
    destroyAllClients();
    const stored = await readStoredDoc(dataDir);
    TOPICS.forEach((topic, i) => {
      const kept = new Set(tokens(notesOf(stored, topic)));
      expect(relayed[i]!.size).toBeGreaterThan(0);
      expect([...relayed[i]!].filter((t) => !kept.has(t))).toEqual([]);
    });
    console.log(`SIGTERM: exit ${code} after ${tookMs} ms with ${writers.length + noisy.length} busy sockets; all got 1001`);
  }, 60_000);
});
