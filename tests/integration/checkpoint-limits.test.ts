/**
 * Manual checkpoints (issue #13): an unchanged doc gives back the newest checkpoint instead of a
 * new one; manual checkpoints are rate-limited per session and capped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { serverPool, type TestServer } from '../helpers/server.ts';
import { api } from '../helpers/session-api.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
const pool = serverPool();
afterEach(async () => {
  destroyAllClients();
  await pool.closeAll();
});

const take = (s: TestServer) => api(s, 'POST', `/api/sessions/${SESSION}/checkpoints`);
const list = async (s: TestServer): Promise<Array<{ id: string; reason: string }>> => (await api(s, 'GET', `/api/sessions/${SESSION}/checkpoints`)).json.checkpoints;

/** Edits the notes through a real client and waits until the server holds the result. */
async function edit(s: TestServer, writer: TestClient, change: (text: ReturnType<TestClient['notes']>) => void): Promise<void> {
  change(writer.notes(TOPIC));
  const expected = writer.notes(TOPIC).toString();
  await waitFor(async () => (await api(s, 'GET', `/api/sessions/${SESSION}/checkpoints/live`)).json.sections.find((x: { id: string }) => x.id === TOPIC)?.notes === expected, 'the edit on the server');
}

async function writerOn(s: TestServer): Promise<TestClient> {
  const writer = connectClient(s.collabUrl, SESSION);
  await writer.synced();
  return writer;
}

describe('manual checkpoints', () => {
  it('of an unchanged doc returns the newest checkpoint; a deletion alone counts as a change', async () => {
    const s = await pool.start();
    const writer = await writerOn(s);
    await edit(s, writer, (text) => text.insert(0, 'binderfs works'));
    const first = await take(s);
    expect(first.status).toBe(201);
    const again = await take(s);
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    expect(await list(s)).toHaveLength(1);

    // Same state vector, different delete set: a new checkpoint.
    await edit(s, writer, (text) => text.delete(0, 'binderfs '.length));
    const afterDelete = await take(s);
    expect(afterDelete.status).toBe(201);
    expect(afterDelete.json.id).not.toBe(first.json.id);
    expect(await list(s)).toHaveLength(2);
  });

  it.each([
    ['are rate-limited per session per hour (429 RATE_LIMITED)', { maxManualCheckpointsPerHour: 2 }, 429, 'RATE_LIMITED'],
    ['are capped per session (409 CHECKPOINT_LIMIT_REACHED)', { maxManualCheckpoints: 2 }, 409, 'CHECKPOINT_LIMIT_REACHED'],
  ] as const)('%s', async (_name, limits, status, code) => {
    const s = await pool.start(limits);
    const writer = await writerOn(s);
    for (const word of ['one ', 'two ']) {
      await edit(s, writer, (text) => text.insert(0, word));
      expect((await take(s)).status).toBe(201);
    }
    await edit(s, writer, (text) => text.insert(0, 'three '));
    const refused = await take(s);
    expect(refused.status).toBe(status);
    expect(refused.json.error.code).toBe(code);
    expect(await list(s)).toHaveLength(2);
  });
});
