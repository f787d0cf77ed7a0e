/**
 * Summary export (issue 5): golden files for every format on the seeded session with a fixed set
 * of notes and action items, the HTTP routes (content types, file names, errors), and the
 * consistency of an export taken while a client types. Set UPDATE_GOLDEN=1 to rewrite the goldens.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../../shared/export/formats.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { FIXED_NOW, writeFixture } from '../helpers/export-fixture.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const GOLDEN_DIR = path.join(import.meta.dirname, '../fixtures/export');

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  await writeFixture(s.app);
});
afterAll(async () => {
  destroyAllClients();
  await s.close();
});

async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, actual);
  expect(actual, `golden ${name} (UPDATE_GOLDEN=1 to rewrite)`).toBe(await readFile(file, 'utf8'));
}

describe('export formats (golden files)', () => {
  it.each(EXPORT_FORMATS)('session containers-cr as %s matches the golden file', async (format) => {
    const exports = s.app.exports;
    const rendered = await exports.exportSession('containers-cr', format, { now: FIXED_NOW });
    await golden(`containers-cr.${format}`, rendered.body);
  });

  it('writes CommonMark whose notes keep their structure, and text within 72 columns', async () => {
    const exports = s.app.exports;
    const md = (await exports.exportSession('containers-cr', 'md', { now: FIXED_NOW })).body;
    const html = new MarkdownIt('commonmark').render(md);
    expect(html).toContain('<h3>Where we are</h3>');
    expect(html).toContain('<a href="https://www.kernel.org/doc/html/latest/admin-guide/binderfs.html">binderfs docs</a>');
    expect(html).toContain('<pre><code class="language-sh">mkdir /dev/binderfs');
    expect(html).toContain('<em>unprivileged</em>');
    expect(html).toContain('<h2>Follow-ups by person</h2>');
    const txt = (await exports.exportEvent('lpc2019', 'txt', { now: FIXED_NOW })).body;
    const long = txt.split('\n').filter((line) => [...line].length > 72 && !/https?:\/\/\S+$/.test(line));
    expect(long).toEqual([]);
  });

  it('reads one consistent state of a doc while a client types', async () => {
    const client = connectClient(s.collabUrl, 'containers-cr');
    await client.synced();
    const notes = client.notes('adding-a-new-clone-syscall');
    const exports = s.app.exports;
    let typing = true;
    const typist = (async () => {
      for (let i = 0; typing && i < 2000; i++) {
        client.doc.transact(() => notes.insert(notes.length, `line ${i} of clone3 notes\n`));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const snapshots: string[] = [];
    for (let i = 0; i < 5; i++) {
      const json = JSON.parse((await exports.exportSession('containers-cr', 'json')).body);
      const topic = json.sessions[0].topics.find((t: { id: string }) => t.id === 'adding-a-new-clone-syscall');
      snapshots.push(topic.notes);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    typing = false;
    await typist;
    for (const snapshot of snapshots) expect(snapshot).toMatch(/^(line \d+ of clone3 notes\n)*$/);
    for (let i = 1; i < snapshots.length; i++) expect(snapshots[i]!.startsWith(snapshots[i - 1]!)).toBe(true);
    client.destroy();
  });
});

describe('export over HTTP', () => {
  const types = { md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8', json: 'application/json; charset=utf-8', txt: 'text/plain; charset=utf-8' };

  it.each(EXPORT_FORMATS)('serves %s with its content type and an attachment file name', async (format) => {
    const session = await fetch(`${s.url}/api/sessions/containers-cr/export?format=${format}`);
    expect(session.status).toBe(200);
    expect(session.headers.get('content-type')).toBe(types[format]);
    expect(session.headers.get('content-disposition')).toBe(`attachment; filename="lpc2019-containers-cr-summary.${format}"`);
    expect(session.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await session.text();
    expect(body).toContain('Write up binderfs usage for container runtimes');
    const event = await fetch(`${s.url}/api/events/lpc2019/export?format=${format}`);
    expect(event.status).toBe(200);
    expect(event.headers.get('content-disposition')).toBe(`attachment; filename="lpc2019-summary.${format}"`);
    await event.arrayBuffer();
  });

  it('defaults to Markdown, orders an event by schedule, and answers 404/400 as JSON', async () => {
    const md = await fetch(`${s.url}/api/sessions/containers-cr/export`);
    expect(md.headers.get('content-type')).toBe(types.md);
    await md.arrayBuffer();

    const outline = (title: string, start: string): string => `# ${title}\nSchedule: ${start}\n- Only topic\n`;
    for (const [title, start] of [['Late MC', '2019-09-11T15:00:00+01:00'], ['Early MC', '2019-09-09T09:00:00+01:00']] as const) {
      const r = await fetch(`${s.url}/api/events/lpc2019/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.app.admin.token}`, 'content-type': 'text/markdown' },
        body: outline(title, start),
      });
      expect(r.status).toBe(201);
    }
    const json = await (await fetch(`${s.url}/api/events/lpc2019/export?format=json`)).json();
    expect(json.sessions.map((x: { id: string }) => x.id)).toEqual(['early-mc', 'late-mc', 'containers-cr']);

    const cases: Array<[string, number, string]> = [
      ['/api/sessions/no-such-session/export?format=md', 404, 'SESSION_NOT_FOUND'],
      ['/api/events/no-such-event/export?format=md', 404, 'EVENT_NOT_FOUND'],
      ['/api/sessions/containers-cr/export?format=pdf', 400, 'VALIDATION_FAILED'],
      ['/api/sessions/Bad.Id/export?format=md', 400, 'VALIDATION_FAILED'],
    ];
    for (const [url, status, code] of cases) {
      const response = await fetch(`${s.url}${url}`);
      expect(response.status, url).toBe(status);
      expect(response.headers.get('content-type'), url).toMatch(/^application\/json/);
      expect((await response.json()).error.code, url).toBe(code);
    }
  });
});
