/**
 * `npm run export` on a data dir (offline, with the data-dir lock) and through a running server,
 * and a backup/restore through the two CLIs (`export --format json` → `import`).
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { writeFixture } from '../helpers/export-fixture.ts';
import { makeTempDir, startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(script: 'export' | 'import', args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'server', 'cli', `${script}.ts`), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir, ADMIN_TOKEN: TEST_ADMIN_TOKEN }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

/** A data dir with the seeded session and the fixed notes, with no server running on it. */
async function preparedDataDir(): Promise<string> {
  const s = await startServer();
  await writeFixture(s.app);
  await s.stop();
  cleanup.push(() => rm(s.dataDir, { recursive: true, force: true }));
  return s.dataDir;
}

const dropTime = (text: string): string => text.replace(/Summary exported from mcpad on [^.]+\./, 'Summary exported from mcpad on (time).');

describe('export CLI', () => {
  it('exports a session and an event from a data dir, with progress on stderr', async () => {
    const dataDir = await preparedDataDir();
    const out = path.join(dataDir, 'summary.md');
    const session = await cli('export', ['--event', 'lpc2019', '--session', 'containers-cr', '--format', 'md', '--out', out], dataDir);
    expect(session.stderr).toContain('Wrote');
    expect(session.code).toBe(0);
    const golden = await readFile(path.join(PROJECT_ROOT, 'tests/fixtures/export/containers-cr.md'), 'utf8');
    expect(dropTime(await readFile(out, 'utf8'))).toBe(dropTime(golden));

    const event = await cli('export', ['--event', 'lpc2019', '--format', 'txt'], dataDir);
    expect(event.code).toBe(0);
    expect(event.stderr).toContain('session 1/1 containers-cr');
    expect(event.stdout).toMatch(/^Linux Plumbers Conference 2019\n=+\n/);
    expect(event.stdout).toContain('Write up binderfs usage for container runtimes');

    const missing = await cli('export', ['--event', 'no-such-event', '--format', 'md'], dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No event with id "no-such-event"');
    const badFormat = await cli('export', ['--event', 'lpc2019', '--format', 'pdf'], dataDir);
    expect(badFormat.code).toBe(2);
  });

  it('fails clearly on an empty data dir', async () => {
    const dataDir = await makeTempDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const run = await cli('export', ['--event', 'lpc2019', '--format', 'json'], dataDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No event with id "lpc2019"');
  });

  it('backs up with export --format json and restores with import into a fresh data dir', async () => {
    const dataDir = await preparedDataDir();
    const backup = path.join(dataDir, 'backup.json');
    expect((await cli('export', ['--event', 'lpc2019', '--format', 'json', '--out', backup], dataDir)).code).toBe(0);

    const fresh = await makeTempDir();
    cleanup.push(() => rm(fresh, { recursive: true, force: true }));
    const restored = await cli('import', [backup, '--event', 'lpc2019'], fresh);
    expect(restored.stderr).not.toContain('failed');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('Created event lpc2019.');
    expect(restored.stdout).toContain('Restored notes and action items of 3 topic(s) in containers-cr.');

    const again = await cli('export', ['--event', 'lpc2019', '--format', 'json'], fresh);
    expect(again.code).toBe(0);
    const before = JSON.parse(await readFile(backup, 'utf8'));
    const after = JSON.parse(again.stdout);
    expect({ ...after, generatedAt: null }).toEqual({ ...before, generatedAt: null });
  });

  it('refuses a data dir a server owns, and exports through the server with --server', async () => {
    const s: TestServer = await startServer();
    cleanup.push(() => s.close());
    await writeFixture(s.app);
    const busy = await cli('export', ['--event', 'lpc2019', '--format', 'md'], s.dataDir);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('--server');
    const via = await cli('export', ['--session', 'containers-cr', '--format', 'html', '--server', s.url], s.dataDir);
    expect(via.code).toBe(0);
    expect(via.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(via.stdout).toContain('Write up binderfs usage for container runtimes');
    const missing = await cli('export', ['--session', 'nope', '--format', 'md', '--server', s.url], s.dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('SESSION_NOT_FOUND');
  });
});
