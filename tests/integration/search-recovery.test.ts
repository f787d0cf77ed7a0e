/**
 * Search index durability and cluster mode (issue #17): a restart with nothing changed loads no
 * doc (the index is checked against the stores' versions), the persisted index is corrected
 * after a kill -9 (only the sessions changed since its last write are reindexed), and two
 * instances on one Redis answer the same results for an edit made on one of them.
 */
import fs from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_INDEX_FILE } from '../../server/app.ts';
import { DOCS_FOLDER, STATE_FOLDER } from '../../server/services.ts';
import { startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { makeTempDir, startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
let children: ChildServer[] = [];
let servers: TestServer[] = [];
let dirs: string[] = [];

afterEach(async () => {
  destroyAllClients();
  for (const child of children) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
  children = [];
  for (const s of servers) await s.close();
  servers = [];
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  dirs = [];
});

async function search(url: string, q: string): Promise<any[]> {
  const response = await fetch(`${url}/api/search?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: any[] }).results;
}

async function typeInto(collabUrl: string, text: string): Promise<void> {
  const client = connectClient(collabUrl, SESSION);
  await client.synced();
  const notes = client.notes(TOPIC);
  notes.insert(notes.length, text);
}

async function child(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const started = await startChildServer(dataDir, env);
  children.push(started);
  return started;
}

/** Every doc file with its size and modification time: what a load and unload would rewrite. */
function docFiles(dataDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const folder of [DOCS_FOLDER, STATE_FOLDER]) {
    for (const entry of fs.readdirSync(path.join(dataDir, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const stat = fs.statSync(file);
      files[path.relative(dataDir, file)] = `${stat.size} ${stat.mtimeMs}`;
    }
  }
  return files;
}

describe('restart with nothing changed', () => {
  it('checks the index against the stored versions without loading or rewriting any doc', async () => {
    // The time of the last notes edit is written to the state doc soon after the edit, not at the stop.
    const first = await startServer({ notesEditedFlushMs: 50 });
    servers.push(first);
    await first.app.search.ready;
    await typeInto(first.collabUrl, ' quokkaword ');
    await waitFor(async () => (await search(first.url, 'quokkaword')).length === 1, 'the word');
    destroyAllClients();
    // Reindexed and unloaded (an unload compacts: a new version of the same content).
    await waitFor(() => first.app.docs.loadedCount === 0 && first.app.stateDocs.loadedCount === 0, 'the docs to unload');
    // The stop compacts what is still loaded: the index written after it carries those versions.
    await first.stop();
    const before = docFiles(first.dataDir);
    expect(Object.keys(before).length).toBeGreaterThan(0);

    // A long idle time: a doc the start loaded would still be in memory below.
    const second = await startServer({ dataDir: first.dataDir, docIdleUnloadMs: 600_000 });
    servers.push(second);
    await second.app.search.ready;
    expect(await search(second.url, 'quokkaword')).toHaveLength(1);
    expect(await search(second.url, 'shiftfs')).not.toHaveLength(0);
    expect(second.app.docs.loadedCount).toBe(0);
    expect(second.app.stateDocs.loadedCount).toBe(0);
    await second.stop();
    expect(docFiles(first.dataDir)).toEqual(before);
  });
});

describe('after kill -9', () => {
  it('reindexes only the sessions changed since the index was last written', async () => {
    const dataDir = await makeTempDir();
    dirs.push(dataDir);
    const first = await child(dataDir);
    const imported = await fetch(`${first.url}/api/events/lpc2020/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'second-mc', title: 'Second MC', topics: [{ title: 'Echidna topic' }] }),
    });
    expect(imported.status).toBe(201);
    await typeInto(first.collabUrl, ' echidnaword ');
    await waitFor(async () => (await search(first.url, 'echidnaword')).length === 1, 'the first word');
    await waitFor(async () => (await search(first.url, 'echidna')).length === 2, 'the second session');
    destroyAllClients();
    first.child.kill('SIGTERM');
    await first.exited;
    const file = path.join(dataDir, SEARCH_INDEX_FILE);
    expect(fs.readFileSync(file, 'utf8')).toContain('echidnaword');

    // The index is never written again in this run: the kill leaves it without the new word.
    const second = await child(dataDir, { SEARCH_PERSIST_DELAY_MS: '600000' });
    await typeInto(second.collabUrl, ' bilbyword ');
    await waitFor(async () => (await search(second.url, 'bilbyword')).length === 1, 'the second word');
    second.child.kill('SIGKILL');
    await second.exited;
    expect(fs.readFileSync(file, 'utf8')).not.toContain('bilbyword');

    const third = await child(dataDir, { LOG_LEVEL: 'info' });
    await waitFor(async () => (await search(third.url, 'bilbyword')).length === 1, 'the word typed before the kill');
    expect(await search(third.url, 'echidnaword')).toHaveLength(1);
    const ready = await waitFor(() => third.output().split('\n').find((line) => line.includes('search index ready')), 'the verification log line');
    expect(JSON.parse(ready as string)).toMatchObject({ sessions: 2, reindexed: 1 });
  });
});

describe('cluster mode', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('answers the same results on every instance, including one that never loaded the doc', async () => {
    const options = { redisUrl: redis.url, redisKeyPrefix: 'search1:', searchReindexDelayMs: 200 };
    const a = await startServer(options);
    servers.push(a);
    const b = await startServer(options);
    servers.push(b);
    await Promise.all([a.app.search.ready, b.app.search.ready]);
    // B built its index and unloaded the docs again: it hears no updates of them from the streams.
    await waitFor(() => b.app.docs.loadedCount === 0 && b.app.stateDocs.loadedCount === 0, 'B to unload its docs');
    await typeInto(a.collabUrl, ' dingoword in the notes ');
    await waitFor(async () => (await search(a.url, 'dingoword')).length === 1, 'the word on the instance edited');
    await waitFor(async () => (await search(b.url, 'dingoword')).length === 1, 'the word on the other instance', 5_000);
    const shape = (results: any[]) => results.map(({ sessionId, topicId, kind, snippet }) => ({ sessionId, topicId, kind, snippet }));
    expect(shape(await search(b.url, 'dingoword'))).toEqual(shape(await search(a.url, 'dingoword')));
    expect(shape(await search(b.url, 'shiftfs'))).toEqual(shape(await search(a.url, 'shiftfs')));
  });
});
