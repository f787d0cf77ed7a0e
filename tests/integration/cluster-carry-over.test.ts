/**
 * Issue #17 in cluster mode: two instances over one real redis-server. Carrying the same
 * follow-up over on both at once makes exactly one new item (the other gets 409 ALREADY_CARRIED),
 * and both instances then show the link.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

let redis: TestRedis;
let servers: TestServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.close();
});
afterEach(async () => {
  for (const s of servers) await s.stop();
  for (const s of servers) await s.close();
  servers = [];
});

async function api(s: TestServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

describe('carry-over across cluster instances', () => {
  it('two instances carrying one item at once make one item and one 409', async () => {
    const a = await startServer({ redisUrl: redis.url, redisKeyPrefix: 'carry1:' });
    servers.push(a);
    const b = await startServer({ redisUrl: redis.url, redisKeyPrefix: 'carry1:' });
    servers.push(b);
    const topicId = a.app.meta.getSession('containers-cr').topics[0]!.id;
    const item = await api(a, 'POST', '/api/sessions/containers-cr/action-items', { topicId, text: '(test) once only' });
    expect(item.status).toBe(201);
    const next = await api(a, 'POST', '/api/events/lpc2020/sessions', { id: 'cr-2020', title: 'C/R 2020', previous: 'lpc2019/containers-cr', topics: [{ title: 'Other' }] });
    expect(next.status).toBe(201);
    await waitFor(async () => (await api(b, 'GET', '/api/sessions/cr-2020')).status === 200, 'instance b to know the new session');
    await waitFor(async () => (await api(b, 'GET', '/api/sessions/cr-2020/carry-over')).json.items?.some((i: any) => i.id === item.json.id), 'instance b to see the item');

    const results = await Promise.all([a, b, a, b].map((s) => api(s, 'POST', '/api/sessions/cr-2020/carry-over', { actionId: item.json.id })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.json.error.code === 'ALREADY_CARRIED')).toBe(true);
    const created = results.find((r) => r.status === 201)!.json;
    for (const s of [a, b]) {
      await waitFor(async () => (await api(s, 'GET', '/api/sessions/cr-2020/action-items')).json.items.length === 1, 'one carried item on each instance');
      await waitFor(
        async () => (await api(s, 'GET', '/api/sessions/containers-cr/action-items')).json.items.find((i: any) => i.id === item.json.id)?.carriedTo?.actionId === created.id,
        'the link on each instance',
      );
    }
  });
});
