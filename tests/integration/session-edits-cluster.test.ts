/**
 * Issue #15 in cluster mode: edits made through one instance reach clients of another live (the
 * heading, the order), archiving on one instance turns the writers on the other read-only, and
 * the audit log (in the shared metadata) reads the same everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSection, readableSections, sectionId } from '../../shared/doc-schema.ts';
import { MESSAGE_AUTH } from '../../shared/protocol.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { serverPool, TEST_ADMIN_TOKEN } from '../helpers/server.ts';
import { api, sessionLink } from '../helpers/session-api.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const pool = serverPool();
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  destroyAllClients();
  await pool.closeAll();
  await redis?.close();
});

function countDenials(client: TestClient): { count: number } {
  const seen = { count: 0 };
  const socket = client.provider.ws as unknown as { addEventListener(type: 'message', listener: (event: { data: ArrayBuffer | Buffer }) => void): void };
  socket.addEventListener('message', ({ data }) => {
    if (new Uint8Array(data as ArrayBuffer)[0] === MESSAGE_AUTH) seen.count++;
  });
  return seen;
}

describe('organiser edits across instances', () => {
  it('rename, reorder and archive on A reach B; the audit log reads the same on both', async () => {
    const overrides = { redisUrl: redis.url, redisKeyPrefix: 'edits1:' };
    const a = await pool.start(overrides);
    const b = await pool.start(overrides);
    const participant = new URL(await sessionLink(a, SESSION, 'participant'), 'http://x').searchParams.get('token')!;
    const onB = connectClient(b.collabUrl, SESSION, { params: { token: participant } });
    const watcher = connectClient(b.collabUrl, SESSION, { params: { token: TEST_ADMIN_TOKEN } });
    await Promise.all([onB.synced(), watcher.synced()]);
    const ids = a.app.meta.getSession(SESSION).topics.map((t) => t.id);
    onB.notes(ids[0]!).insert(0, 'typed on B');
    await waitFor(() => watcher.notes(ids[0]!).toString() === 'typed on B', 'the edit on B');

    expect((await api(a, 'PATCH', `/api/sessions/${SESSION}/topics/${ids[0]}`, { title: 'Renamed on A' })).status).toBe(200);
    const order = [ids[1]!, ids[0]!, ...ids.slice(2)];
    expect((await api(a, 'PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: order })).status).toBe(200);
    await waitFor(() => findSection(onB.doc, ids[0]!)?.get('title') === 'Renamed on A', 'the heading on B');
    await waitFor(() => readableSections(onB.doc).map((s) => sectionId(s)).join() === order.join(), 'the order on B');
    expect(onB.notes(ids[0]!).toString()).toBe('typed on B');
    const added = await api(a, 'POST', `/api/sessions/${SESSION}/topics`, { title: 'Added on A', after: ids[1] });
    expect(added.status).toBe(201);
    await waitFor(() => readableSections(onB.doc).map((s) => sectionId(s)).slice(0, 2).join() === [ids[1], added.json.id].join(), 'the new section, in place, on B');

    const denials = countDenials(onB);
    expect((await api(a, 'PUT', `/api/sessions/${SESSION}/archived`, { archived: true })).status).toBe(200);
    await waitFor(() => b.app.meta.getSession(SESSION).archived === true, 'B to see the archive');
    onB.notes(ids[0]!).insert(0, 'after the archive ');
    await waitFor(() => denials.count > 0, 'the edit on B to be refused with permission-denied');
    const check = connectClient(a.collabUrl, SESSION, { params: { token: TEST_ADMIN_TOKEN } });
    await check.synced();
    expect(check.notes(ids[0]!).toString()).toBe('typed on B');
    expect((await api(b, 'PATCH', `/api/sessions/${SESSION}`, { title: 'x' })).json.error.code).toBe('SESSION_ARCHIVED');

    const fromA = (await api(a, 'GET', '/api/events/lpc2019/audit')).json.entries;
    const fromB = (await api(b, 'GET', '/api/events/lpc2019/audit')).json.entries;
    expect(fromB).toEqual(fromA);
    expect(fromA.slice(0, 4).map((e: { action: string }) => e.action)).toEqual(['session.archive', 'topic.add', 'topic.reorder', 'topic.update']);
  });
});
