import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { META_FILE } from '../../server/app.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

const fixture = path.join(import.meta.dirname, '../fixtures/indico/event-sessions.json');
let s: TestServer;
afterEach(async () => s.close());

async function importJson(body: string, query = ''): Promise<Response> {
  return fetch(`${s.url}/api/events/plumbers/sessions${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body,
  });
}

describe('Indico import', () => {
  it('creates sessions (schedule order), topics, speakers, leads and times from an Indico export', async () => {
    s = await startServer();
    const response = await importJson(await readFile(fixture, 'utf8'));
    expect(response.status).toBe(201);
    const result = await response.json();
    expect(result.sessions.map((x: { id: string }) => x.id)).toEqual(['containers-and-checkpoint-restore-mc', 'testing-and-fuzzing-mc']);

    const session = await (await fetch(`${s.url}/api/sessions/containers-and-checkpoint-restore-mc`)).json();
    expect(session.leads).toEqual([
      { name: 'Stéphane Graber', email: 'stgraber@stgraber.org' },
      { name: 'Christian Brauner', email: 'christian@brauner.io' },
    ]);
    // Lisbon is UTC+1 in September (WEST).
    expect(session.schedule).toEqual({ start: '2019-09-10T10:00:00+01:00', end: '2019-09-10T13:30:00+01:00', room: 'Esmeralda' });
    expect(session.topics.map((t: { title: string; speakers: string[]; schedule: { start: string } }) => [t.title, t.speakers, t.schedule.start])).toEqual([
      ['CRIU and the PID dance', ['Adrian Reber'], '2019-09-10T10:00:00+01:00'],
      ['Address space isolation for containers', ['Mike Rapoport'], '2019-09-10T10:25:00+01:00'],
    ]);
    expect(session.topics[0].abstract).toContain('PIDs they had at checkpoint time');
    const event = await (await fetch(`${s.url}/api/events/plumbers`)).json();
    expect(event.sessions.map((x: { id: string }) => x.id)).toEqual(['containers-and-checkpoint-restore-mc', 'testing-and-fuzzing-mc']);
  });

  it('refuses bad Indico files with a 400 naming the problem, and changes nothing', async () => {
    s = await startServer();
    const before = await readFile(path.join(s.dataDir, META_FILE), 'utf8');
    const good = JSON.parse(await readFile(fixture, 'utf8'));
    const noSessions = { ...good, results: [{ ...good.results[0], sessions: [] }] };
    const badDate = structuredClone(good);
    badDate.results[0].sessions[1].contributions[0].startDate = { date: '10/09/2019', time: '10:00', tz: 'Europe/Lisbon' };
    const badZone = structuredClone(good);
    badZone.results[0].sessions[0].startDate.tz = 'Mars/Olympus';
    const noTitle = structuredClone(good);
    delete noTitle.results[0].sessions[1].contributions[1].title;
    const cases: Array<[unknown, string]> = [
      [noSessions, 'detail=sessions'],
      [badDate, 'contributions[0].startDate'],
      [badZone, 'unknown time zone'],
      [noTitle, 'contributions[1].title'],
    ];
    for (const [body, mention] of cases) {
      const response = await importJson(JSON.stringify(body));
      expect(response.status).toBe(400);
      const error = (await response.json()).error;
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.message).toContain(mention);
    }
    const forced = await importJson(JSON.stringify({ title: 'x', topics: [] }), '?format=indico');
    expect(forced.status).toBe(400);
    expect(await readFile(path.join(s.dataDir, META_FILE), 'utf8')).toBe(before);
  });
});
