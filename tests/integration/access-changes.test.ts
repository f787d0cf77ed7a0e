/**
 * Closing an event (issue #13): anonymous sockets opened while it was open lose write access at
 * once (they stay connected, read-only: edits answered with permission-denied), embedded and on
 * every cluster instance.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_AUTH } from '../../shared/protocol.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { api } from '../helpers/session-api.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
const EVENT = 'lpc2019';
const pool = serverPool();
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});
afterEach(async () => {
  destroyAllClients();
  await pool.closeAll();
});

/** Counts the auth (permission-denied) messages the server sends to a client's socket. */
function countDenials(client: TestClient): { count: number } {
  const seen = { count: 0 };
  const socket = client.provider.ws as unknown as { addEventListener(type: 'message', listener: (event: { data: ArrayBuffer | Buffer }) => void): void };
  socket.addEventListener('message', ({ data }) => {
    if (new Uint8Array(data as ArrayBuffer)[0] === MESSAGE_AUTH) seen.count++;
  });
  return seen;
}

/** Closes the event on `closer`; checks the anonymous client on `holder` keeps its socket but its
 *  edits are refused, then that reopening lets a new anonymous client edit again. */
async function closeAndCheck(closer: TestServer, holder: TestServer): Promise<void> {
  const anonymous = connectClient(holder.collabUrl, SESSION);
  const lead = connectClient(holder.collabUrl, SESSION, { params: { token: TEST_ADMIN_TOKEN } });
  await Promise.all([anonymous.synced(), lead.synced()]);
  anonymous.notes(TOPIC).insert(0, 'before ');
  await waitFor(() => lead.notes(TOPIC).toString().includes('before'), 'the open-event edit to apply');

  const socketBefore = anonymous.provider.ws;
  const denials = countDenials(anonymous);
  const patched = await api(closer, 'PATCH', `/api/events/${EVENT}`, { participantAccess: 'link' });
  expect(patched.status).toBe(200);
  await waitFor(() => holder.app.meta.participantAccess(EVENT) === 'link', 'the holder to see the event closed');

  // The same socket, now read-only: its edit is answered with permission-denied, never applied.
  anonymous.notes(TOPIC).insert(0, 'after-close ');
  await waitFor(() => denials.count > 0, 'the edit to be refused with permission-denied');
  expect(anonymous.provider.ws).toBe(socketBefore);
  const check = connectClient(holder.collabUrl, SESSION, { params: { token: TEST_ADMIN_TOKEN } });
  await check.synced();
  expect(check.notes(TOPIC).toString()).toContain('before');
  expect(check.notes(TOPIC).toString()).not.toContain('after-close');
  // It still follows the notes live.
  lead.notes(TOPIC).insert(0, 'lead-mark ');
  await waitFor(() => anonymous.notes(TOPIC).toString().includes('lead-mark'), 'the lead edit to reach the read-only client');

  // Reopened: a new anonymous connection edits again.
  expect((await api(closer, 'PATCH', `/api/events/${EVENT}`, { participantAccess: 'open' })).status).toBe(200);
  await waitFor(() => holder.app.meta.participantAccess(EVENT) === 'open', 'the holder to see the event reopened');
  const again = connectClient(holder.collabUrl, SESSION);
  await again.synced();
  again.notes(TOPIC).insert(0, 'reopened ');
  await waitFor(() => lead.notes(TOPIC).toString().includes('reopened'), 'the reopened edit to apply');
}

describe('closing an event takes write access from open anonymous sockets', () => {
  it('embedded: an open anonymous socket turns read-only; reopening lets new connections edit', async () => {
    const s = await pool.start();
    await closeAndCheck(s, s);
  });

  it('cluster: closing on A turns anonymous sockets on B read-only', async () => {
    const overrides = { redisUrl: redis.url, redisKeyPrefix: 'access1:' };
    const a = await pool.start(overrides);
    const b = await pool.start(overrides);
    await closeAndCheck(a, b);
  });
});
