/**
 * Etherpad's getLastEdited (issue #16): the time of the last notes change, recorded in the session
 * state doc (server/sessions/notes-activity.ts), so it survives a restart, is shared by the
 * instances of a cluster, and does not move for things that are not notes changes (a checkpoint,
 * a metadata change), and no peer can set it over the WebSocket. Also: a read-only id made on one
 * cluster instance reads on another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readNotesEditedAt, recordNotesEdited } from '../../shared/notes-activity.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const KEY = 'etherpad-test-key-0123456789';
const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
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

async function fn(s: TestServer, name: string, params: Record<string, string>): Promise<any> {
  return (await fetch(`${s.url}/api/1.3.0/${name}?${new URLSearchParams({ apikey: KEY, ...params })}`)).json();
}
const lastEdited = async (s: TestServer): Promise<number> => (await fn(s, 'getLastEdited', { padID: SESSION })).data.lastEdited;

describe('getLastEdited', () => {
  it('is the time of the last notes change: not moved by a checkpoint, kept across a restart, moved by an API write', async () => {
    const s = await pool.start({ etherpadApiKey: KEY, notesEditedFlushMs: 50 });
    const client = connectClient(s.collabUrl, SESSION, { name: 'Ada' });
    await client.synced();
    const before = Date.now();
    client.notes(TOPIC).insert(0, 'an edit\n');
    const edited = await waitFor(async () => {
      const at = await lastEdited(s);
      return at >= before ? at : null;
    }, 'the edit time to be recorded');
    expect(edited).toBeLessThanOrEqual(Date.now());
    client.destroy();

    // Neither a checkpoint nor a metadata change is a notes change.
    const checkpoint = await fetch(`${s.url}/api/sessions/${SESSION}/checkpoints`, { method: 'POST', headers: admin });
    expect([200, 201]).toContain(checkpoint.status);
    const eventId = s.app.meta.getSession(SESSION).eventId;
    await s.app.meta.setParticipantAccess(eventId, 'link');
    expect(await lastEdited(s)).toBe(edited);

    await s.stop();
    const again = await pool.start({ etherpadApiKey: KEY, notesEditedFlushMs: 50, dataDir: s.dataDir });
    expect(await lastEdited(again)).toBe(edited);

    const beforeWrite = Date.now();
    expect((await fn(again, 'appendText', { padID: `${SESSION}.${TOPIC}`, text: 'by a bot\n' })).code).toBe(0);
    const written = await waitFor(async () => {
      const at = await lastEdited(again);
      return at >= beforeWrite ? at : null;
    }, 'the API write time to be recorded');
    expect(written).toBeGreaterThan(edited!);
  });

  it('is written at once when the server stops, even before the flush period ends', async () => {
    const s = await pool.start({ etherpadApiKey: KEY, notesEditedFlushMs: 600_000 });
    const before = Date.now();
    expect((await fn(s, 'appendText', { padID: `${SESSION}.${TOPIC}`, text: 'just before shutdown\n' })).code).toBe(0);
    const after = Date.now();
    expect(await s.app.stateDocs.withDoc(SESSION, (live) => readNotesEditedAt(live.doc))).toBeUndefined();
    await s.stop();
    const again = await pool.start({ etherpadApiKey: KEY, dataDir: s.dataDir });
    const recorded = (await again.app.stateDocs.withDoc(SESSION, (live) => readNotesEditedAt(live.doc))) ?? Number.NaN;
    expect(recorded).toBeGreaterThanOrEqual(before);
    expect(recorded).toBeLessThanOrEqual(after);
    expect(await lastEdited(again)).toBe(recorded);
  });

  it('cannot be set over the WebSocket: the state doc is read-only for every peer', async () => {
    const s = await pool.start({ etherpadApiKey: KEY, notesEditedFlushMs: 50 });
    const before = await lastEdited(s);
    const crafted = new Y.Doc();
    const provider = new WebsocketProvider(s.collabUrl, `${SESSION}/state`, crafted, { WebSocketPolyfill: WebSocket as any, disableBc: true });
    const warned: string[] = [];
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args.join(' '));
    try {
      await waitFor(() => provider.synced, 'the state doc to sync');
      recordNotesEdited(crafted, 4_102_444_800_000); // 2100-01-01
      await waitFor(() => warned.some((line) => line.includes('read-only')), 'the crafting peer to be told');
    } finally {
      console.warn = originalWarn;
      provider.destroy();
    }
    expect(await s.app.stateDocs.withDoc(SESSION, (live) => readNotesEditedAt(live.doc))).toBeUndefined();
    expect(await lastEdited(s)).toBe(before);
  });

  it('is shared by the instances of a cluster, as are read-only ids', async () => {
    const cluster = { redisUrl: redis.url, redisKeyPrefix: 'last-edited:', etherpadApiKey: KEY, notesEditedFlushMs: 50 };
    const a = await pool.start(cluster);
    const b = await pool.start(cluster);
    const client = connectClient(a.collabUrl, SESSION, { name: 'Ada' });
    await client.synced();
    const before = Date.now();
    client.notes(TOPIC).insert(0, 'edited on instance A\n');
    const onB = await waitFor(async () => {
      const at = await lastEdited(b);
      return at >= before ? at : null;
    }, 'instance B to see the edit time');
    expect(await lastEdited(a)).toBe(onB);
    client.destroy();

    const readOnlyId = (await fn(a, 'getReadOnlyID', { padID: `${SESSION}.${TOPIC}` })).data.readOnlyID;
    const onOther = await waitFor(async () => ((await fn(b, 'getPadID', { roID: readOnlyId })).code === 0 ? fn(b, 'getPadID', { roID: readOnlyId }) : null), 'instance B to know the link');
    expect(onOther.data).toEqual({ padID: `${SESSION}.${TOPIC}` });
    const text = await fetch(`${b.url}/p/${readOnlyId}/export/txt`);
    expect(text.status).toBe(200);
    expect(await text.text()).toContain('edited on instance A');
  });
});
