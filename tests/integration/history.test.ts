import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
let s: TestServer;
afterEach(async () => {
  destroyAllClients();
  await s.close();
});

async function call(method: string, path: string, body?: unknown, token: string | null = TEST_ADMIN_TOKEN): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}
const checkpoints = async (): Promise<any[]> => (await call('GET', `/api/sessions/${SESSION}/checkpoints`)).json.checkpoints;

describe('history', () => {
  it('takes checkpoints on schedule while the notes change, when the last client leaves, and on demand', async () => {
    s = await startServer({ checkpointIntervalMs: 1000, docIdleUnloadMs: 60_000 });
    const writer = connectClient(s.collabUrl, SESSION, { name: 'Mike' });
    await writer.synced();
    writer.notes(TOPIC).insert(0, 'first words');
    await waitFor(async () => (await checkpoints()).some((c) => c.reason === 'auto'), 'an automatic checkpoint', 5000);
    const auto = (await checkpoints()).filter((c) => c.reason === 'auto');
    expect(auto[0].contributors).toEqual(['Mike']);
    // Unchanged notes: no new automatic checkpoint.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect((await checkpoints()).filter((c) => c.reason === 'auto')).toHaveLength(auto.length);

    // On demand, of unchanged notes: the newest checkpoint again, nothing new stored (issue #13).
    const manual = await call('POST', `/api/sessions/${SESSION}/checkpoints`);
    expect(manual.status).toBe(200);
    expect(manual.json.id).toBe((await checkpoints())[0].id);

    writer.notes(TOPIC).insert(writer.notes(TOPIC).length, ', then more');
    const probe = connectClient(s.collabUrl, SESSION);
    await waitFor(() => probe.provider.synced && probe.notes(TOPIC).toString().endsWith('then more'), 'edit on the server');
    destroyAllClients();
    await waitFor(async () => (await checkpoints()).some((c) => c.reason === 'idle'), 'a checkpoint when the last client left');
    const idle = (await checkpoints()).find((c) => c.reason === 'idle');
    expect((await call('GET', `/api/sessions/${SESSION}/checkpoints/${idle.id}`)).json.sections.find((x: any) => x.id === TOPIC).notes).toBe('first words, then more');
  });

  it('diffs two checkpoints per topic and restores a topic as a new edit others receive live', async () => {
    s = await startServer();
    const a = connectClient(s.collabUrl, SESSION);
    const b = connectClient(s.collabUrl, SESSION);
    await Promise.all([a.synced(), b.synced()]);
    a.notes(TOPIC).insert(0, 'binderfs works in containers');
    a.notes('adding-a-new-clone-syscall').insert(0, 'clone3 is in');
    await waitFor(() => b.notes(TOPIC).length > 0 && b.notes('adding-a-new-clone-syscall').length > 0, 'sync');
    const first = (await call('POST', `/api/sessions/${SESSION}/checkpoints`)).json;
    a.notes(TOPIC).delete(0, 'binderfs '.length);
    a.notes(TOPIC).insert(a.notes(TOPIC).length, ' since 5.0');
    await waitFor(() => b.notes(TOPIC).toString() === 'works in containers since 5.0', 'sync 2');
    const second = (await call('POST', `/api/sessions/${SESSION}/checkpoints`)).json;

    const diff = (await call('GET', `/api/sessions/${SESSION}/diff?from=${first.id}&to=${second.id}`)).json.topics;
    expect(diff).toEqual([{ topicId: TOPIC, title: 'Android containers', added: [' since 5.0'], removed: ['binderfs '] }]);
    expect((await call('GET', `/api/sessions/${SESSION}/diff?from=${second.id}&to=live`)).json.topics).toEqual([]);

    const restored = await call('POST', `/api/sessions/${SESSION}/checkpoints/${first.id}/restore`, { topicId: TOPIC });
    expect(restored.status).toBe(200);
    await waitFor(() => b.notes(TOPIC).toString() === 'binderfs works in containers', 'restore to arrive live');
    expect(b.notes('adding-a-new-clone-syscall').toString()).toBe('clone3 is in');
    // History is never rewritten: the checkpoints are still there and unchanged.
    expect((await call('GET', `/api/sessions/${SESSION}/checkpoints/${second.id}`)).json.sections.find((x: any) => x.id === TOPIC).notes).toBe('works in containers since 5.0');
  });

  it('finalised versions are numbered, need confirmation before the scheduled end, and never change', async () => {
    s = await startServer();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const created = await call('POST', '/api/events/lpc2019/sessions', { id: 'live-mc', title: 'Live MC', schedule: { start: new Date().toISOString(), end: future }, topics: [{ title: 'Only topic' }] });
    const lead = created.json.sessions[0].leadToken;
    const writer = connectClient(s.collabUrl, 'live-mc');
    await writer.synced();
    writer.notes('only-topic').insert(0, 'decided: ship it');
    await waitFor(async () => (await call('GET', '/api/sessions/live-mc/checkpoints/live')).json.sections[0].notes === 'decided: ship it', 'edit stored');

    expect((await call('POST', '/api/sessions/live-mc/versions', {}, null)).status).toBe(403);
    const early = await call('POST', '/api/sessions/live-mc/versions', {}, lead);
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe('CONFIRMATION_REQUIRED');
    const v0 = await call('POST', '/api/sessions/live-mc/versions', { confirm: true }, lead);
    expect(v0.status).toBe(201);
    expect(v0.json.version).toBe(0);

    writer.notes('only-topic').insert(writer.notes('only-topic').length, ' (late addition)');
    await waitFor(async () => (await call('GET', '/api/sessions/live-mc/checkpoints/live')).json.sections[0].notes.endsWith('(late addition)'), 'late edit stored');
    expect((await call('GET', '/api/sessions/live-mc/versions/00')).json.sections[0].notes).toBe('decided: ship it');
    const v1 = await call('POST', '/api/sessions/live-mc/versions', { confirm: true }, lead);
    expect(v1.json.version).toBe(1);
    expect((await call('GET', '/api/sessions/live-mc/versions/-01')).json.sections[0].notes).toBe('decided: ship it (late addition)');
    expect((await call('GET', '/api/sessions/live-mc/versions/-00')).json.sections[0].notes).toBe('decided: ship it');
    expect((await call('GET', '/api/sessions/live-mc/versions')).json.versions.map((v: any) => v.version)).toEqual([0, 1]);
    expect((await call('GET', '/api/sessions/live-mc/versions/07')).status).toBe(404);
  });

  it('keeps storage bounded: old automatic checkpoints go, manual ones and versions stay', async () => {
    s = await startServer({ maxAutoCheckpoints: 2 });
    const writer = connectClient(s.collabUrl, SESSION);
    await writer.synced();
    await call('POST', `/api/sessions/${SESSION}/checkpoints`);
    for (let i = 0; i < 4; i++) {
      writer.notes(TOPIC).insert(0, `${i}`);
      await waitFor(async () => (await call('GET', `/api/sessions/${SESSION}/checkpoints/live`)).json.sections[0].notes.startsWith(`${i}`), 'stored');
      expect(await s.app.history.take(SESSION, 'auto', { onlyIfChanged: true })).not.toBeNull();
    }
    const list = await checkpoints();
    expect(list.filter((c) => c.reason === 'auto')).toHaveLength(2);
    expect(list.filter((c) => c.reason === 'manual')).toHaveLength(1);
  });
});
