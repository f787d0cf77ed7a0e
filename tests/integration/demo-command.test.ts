/**
 * `npm run demo` (issue #17 item 4) on a fresh data dir: seeds it, adds the labelled demo event
 * whose session follows on from the seeded containers-cr, and "(demo)" follow-ups there; a second
 * run adds nothing; a server started on the dir then carries a demo follow-up over.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { DEMO_EVENT_ID, DEMO_EVENT_TITLE, DEMO_PERSON, DEMO_SESSION_ID } from '../../server/cli/demo-content.ts';
import { makeTempDir, startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { rm } from 'node:fs/promises';

function demo(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'server', 'cli', 'demo.ts')],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir, ADMIN_TOKEN: TEST_ADMIN_TOKEN }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let server: TestServer | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  server = undefined;
  dataDir = undefined;
});

async function get(path: string): Promise<any> {
  const response = await fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(response.status, path).toBe(200);
  return response.json();
}

describe('npm run demo', () => {
  it('creates the labelled follow-on once, with demo follow-ups in the seeded predecessor', async () => {
    dataDir = await makeTempDir();
    const first = await demo(dataDir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Added 3 demo follow-up/);
    const second = await demo(dataDir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Added 0 demo follow-up/);

    server = await startServer({ dataDir });
    const events = (await get('/api/events')).events;
    expect(events.map((e: any) => e.id).sort()).toEqual([DEMO_EVENT_ID, 'lpc2019']);
    expect(events.find((e: any) => e.id === DEMO_EVENT_ID).title).toBe(DEMO_EVENT_TITLE);
    expect(DEMO_EVENT_TITLE).toMatch(/^Demo: .*not real conference data/);
    const session = await get(`/api/sessions/${DEMO_SESSION_ID}`);
    expect(session.previous).toEqual({ eventId: 'lpc2019', sessionId: 'containers-cr' });
    expect(session.title).toMatch(/not real/);

    const predecessor = (await get('/api/sessions/containers-cr/action-items')).items;
    expect(predecessor.length).toBe(3);
    expect(predecessor.every((i: any) => i.text.startsWith('(demo) ') && i.assignee.name === DEMO_PERSON)).toBe(true);

    const offered = await get(`/api/sessions/${DEMO_SESSION_ID}/carry-over`);
    expect(offered.items.length).toBe(3);
    const response = await fetch(`${server.url}/api/sessions/${DEMO_SESSION_ID}/carry-over`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ actionId: offered.items[0].id }),
    });
    expect(response.status).toBe(201);
    const person = await get(`/api/followups?assignee=${encodeURIComponent(DEMO_PERSON)}`);
    expect(new Set(person.items.map((i: any) => i.eventId))).toEqual(new Set(['lpc2019', DEMO_EVENT_ID]));
  });

  it('leaves the default seed as it is when not run', async () => {
    server = await startServer();
    expect((await get('/api/events')).events.map((e: any) => e.id)).toEqual(['lpc2019']);
    expect((await get('/api/sessions/containers-cr/action-items')).items).toEqual([]);
    expect((await get('/api/sessions/containers-cr')).previous).toBeUndefined();
  });
});
