/**
 * Cluster mode (issue #8) with a real redis-server: several real server instances share sessions;
 * clients are stock WebsocketProviders spread across them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSections } from '../../shared/doc-schema.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
let redis: TestRedis;
let servers: TestServer[] = [];
let prefixCount = 0;
let prefix = '';

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

afterEach(async () => {
  destroyAllClients();
  for (const s of servers) await s.close();
  servers = [];
});

/** One cluster per test: instances share a fresh key prefix on the suite's Redis. */
function newCluster(): void {
  prefix = `test${++prefixCount}:`;
}

async function instance(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const started = await startServer({ redisUrl: redis.url, redisKeyPrefix: prefix, ...overrides });
  servers.push(started);
  return started;
}

function textOf(client: TestClient, topic: string): string {
  return client.notes(topic).toString();
}

describe('cluster mode', () => {
  it('clients spread over three instances converge, and the template exists once', async () => {
    newCluster();
    const instances = [await instance(), await instance(), await instance()];
    const clients = instances.flatMap((s) => [connectClient(s.collabUrl, SESSION), connectClient(s.collabUrl, SESSION)]);
    await Promise.all(clients.map((c) => c.synced()));
    const topics = instances[0]!.app.meta.getSession(SESSION).topics.map((t) => t.id);
    for (const client of clients) expect(readSections(client.doc).map((s) => s.id)).toEqual(topics);
    clients.forEach((client, i) => client.notes(topics[i % 3]!).insert(0, `line ${i};`));
    const expected = (c: TestClient): boolean => [0, 1, 2].every((t) => textOf(c, topics[t]!).split(';').length - 1 === 2);
    await waitFor(() => clients.every(expected), 'every client to see every line');
    for (const client of clients) for (const topic of topics.slice(0, 3)) expect(textOf(client, topic)).toBe(textOf(clients[0]!, topic));
  });
});
