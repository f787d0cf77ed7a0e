/**
 * Backup and restore: a JSON export imported into a fresh server recreates the sessions with their
 * notes and action items, and exporting again gives the same document.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { restoreNotes } from '../../server/sessions/restore-content.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { writeFixture } from '../helpers/export-fixture.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

let servers: TestServer[] = [];
afterEach(async () => {
  destroyAllClients();
  for (const s of servers) await s.close();
  servers = [];
});
async function server(): Promise<TestServer> {
  const s = await startServer();
  servers.push(s);
  return s;
}

async function importJson(s: TestServer, eventId: string, body: string): Promise<Response> {
  return fetch(`${s.url}/api/events/${eventId}/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body,
  });
}

const withoutTime = (json: { generatedAt?: string }): object => ({ ...json, generatedAt: undefined });

describe('JSON export round trip', () => {
  it('export → import into a fresh server → export again gives the same document', async () => {
    const source = await server();
    await writeFixture(source.app);
    const outline = '# Kernel Testing MC\nLeads: Ada <ada@example.org>\nSchedule: 2019-09-11T10:00:00+01:00 / 2019-09-11T13:30:00+01:00\n- KUnit\n  - Speakers: Brendan\n- kselftest\n';
    const created = await fetch(`${source.url}/api/events/lpc2019/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
      body: outline,
    });
    expect(created.status).toBe(201);
    await restoreNotes(source.app.docs, 'kernel-testing-mc', [
      {
        id: 'kunit',
        title: 'KUnit',
        notes: '## KUnit\n\n- runs in UML\n- `kunit.py run`\n',
        actions: [{ id: 'a1', text: 'Document kunit.py', done: false, createdBy: 'Ada', createdAt: '2019-09-11T10:05:00.000Z', status: 'blocked', due: '2019-12-01' }],
      },
    ]);
    const exported = await (await fetch(`${source.url}/api/events/lpc2019/export?format=json`)).text();
    const original = JSON.parse(exported);
    expect(original.sessions.map((s: { id: string }) => s.id)).toEqual(['kernel-testing-mc', 'containers-cr']);

    const target = await server();
    // A client already in the (empty, seeded) session sees the restore as a normal edit.
    const watcher = connectClient(target.collabUrl, 'containers-cr');
    await watcher.synced();

    const restored = await importJson(target, 'lpc2019', exported);
    expect(restored.status).toBe(201);
    const result = await restored.json();
    expect(result.sessions.map((s: { id: string; created: boolean }) => [s.id, s.created])).toEqual([
      ['kernel-testing-mc', true],
      ['containers-cr', false],
    ]);
    expect(result.restored).toEqual([
      { id: 'kernel-testing-mc', restoredTopics: ['kunit'], missingTopics: [] },
      { id: 'containers-cr', restoredTopics: ['android-containers', 'agree-on-an-upstreamable-approach-to-shiftfs', 'upstreaming-the-time-namespace-patchset'], missingTopics: [] },
    ]);
    await waitFor(() => watcher.notes('android-containers').toString().includes('binderfs'), 'the watcher to see restored notes');

    const again = await (await fetch(`${target.url}/api/events/lpc2019/export?format=json`)).json();
    expect(withoutTime(again)).toEqual(withoutTime(original));
    // Decisions (issue #17) come back with their ids and agreement, as the doc holds them.
    const decisions = (await (await fetch(`${target.url}/api/sessions/containers-cr/decisions`)).json()).decisions;
    expect(decisions.map((d: { id: string; agreedBy: string | null }) => [d.id, d.agreedBy])).toEqual([
      ['dec-idmapped-mounts', 'Christian Brauner (lead)'],
      ['dec-shiftfs-ubuntu', null],
    ]);
    expect(again.sessions[1].topics[1].decisions).toHaveLength(2);

    // The restored notes are stored: they survive a restart.
    await target.stop();
    const restarted = await startServer({ dataDir: target.dataDir });
    servers.push(restarted);
    const afterRestart = await (await fetch(`${restarted.url}/api/events/lpc2019/export?format=json`)).json();
    expect(withoutTime(afterRestart)).toEqual(withoutTime(original));

    // Restoring again would mix two histories: refused, nothing changed.
    const twice = await importJson(restarted, 'lpc2019', exported);
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.code).toBe('SESSION_NOT_EMPTY');
    const unchanged = await (await fetch(`${restarted.url}/api/events/lpc2019/export?format=json`)).json();
    expect(withoutTime(unchanged)).toEqual(withoutTime(original));
  });

  it('refuses malformed or newer exports with 400 naming the problem', async () => {
    const s = await server();
    const base = { format: 'mcpad-export', version: 1, event: { id: 'x', title: 'X', description: '' } };
    const session = { id: 'restored-mc', title: 'Restored', description: '', leads: [], topics: [{ id: 't', title: 'T', speakers: [], abstract: '', notes: 'hi', actions: [] }] };
    const cases: Array<[object, RegExp]> = [
      [{ ...base, version: 2, sessions: [session] }, /version/],
      [{ ...base, sessions: 'nope' }, /sessions/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], notes: 42 }] }] }, /sessions\[0\]\.topics\[0\]\.notes/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], actions: [{ id: 'a', text: 'x' }] }] }] }, /actions\[0\]\.done/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], title: '' }] }] }, /sessions\[0\]\.topics\[0\]\.title/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], decisions: 'nope' }] }] }, /topics\[0\]\.decisions/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], decisions: [{ id: '../x', text: 'y' }] }] }] }, /decisions\[0\]\.id/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], decisions: [{ id: 'd', text: '' }] }] }] }, /decisions\[0\]\.text/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], decisions: [{ id: 'd', text: 'a' }, { id: 'd', text: 'b' }] }] }] }, /decisions\[1\]\.id/],
      [{ ...base, sessions: [{ ...session, topics: [{ ...session.topics[0], decisions: [{ id: 'd', text: 'a', agreedBy: 7 }] }] }] }, /decisions\[0\]\.agreedBy/],
    ];
    for (const [body, message] of cases) {
      const response = await importJson(s, 'restore-test', JSON.stringify(body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = (await response.json()).error;
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.message).toMatch(message);
    }
    const events = await (await fetch(`${s.url}/api/events`)).json();
    expect(events.events.map((e: { id: string }) => e.id)).toEqual(['lpc2019']);
    // A valid one works and takes the export's event title.
    const ok = await importJson(s, 'restore-test', JSON.stringify({ ...base, sessions: [session] }));
    expect(ok.status).toBe(201);
    const event = await (await fetch(`${s.url}/api/events/restore-test`)).json();
    expect(event.title).toBe('X');
  });
});
