import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { makeTempDir, startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/etherpad');
const TYPES = { etherpad: 'application/json', txt: 'text/plain', html: 'text/html' } as const;
type Format = keyof typeof TYPES;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s.close());

async function createSession(id: string, topics: string[]): Promise<string> {
  const outline = `# ${id}\n${topics.map((t) => `- ${t}`).join('\n')}\n`;
  const response = await fetch(`${s.url}/api/events/lpc2019/sessions?sessionId=${id}`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'text/markdown' },
    body: outline,
  });
  expect([200, 201]).toContain(response.status);
  const leadToken = (await response.json()).sessions[0].leadToken as string | undefined;
  expect(leadToken).toBeTypeOf('string');
  return leadToken!;
}

async function importPad(sessionId: string, pad: string, format: Format, headers: Record<string, string> = admin): Promise<Response> {
  return fetch(`${s.url}/api/sessions/${sessionId}/import-pad`, {
    method: 'POST',
    headers: { ...headers, 'content-type': `${TYPES[format]}; charset=utf-8` },
    body: await readFile(path.join(FIXTURES, `${pad}.${format}`), 'utf8'),
  });
}

async function exportText(sessionId: string): Promise<string> {
  const response = await fetch(`${s.url}/api/sessions/${sessionId}/export?format=md`);
  expect(response.status).toBe(200);
  return response.text();
}

async function contributors(sessionId: string): Promise<string[]> {
  return (await (await fetch(`${s.url}/api/sessions/${sessionId}/contributors`, { headers: admin })).json()).contributors;
}

describe('Etherpad pad import', () => {
  it('imports the multi-author .etherpad pad: topic lines into their topics, the rest into "Imported notes", authors attributed', async () => {
    await createSession('lpc-containers', ['Android containers', 'Agree on an upstreamable approach to shiftfs']);
    const response = await importPad('lpc-containers', 'lpc2019-containers-cr', 'etherpad');
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result.topics.map((t: { id: string }) => t.id)).toEqual(['imported-notes', 'android-containers', 'agree-on-an-upstreamable-approach-to-shiftfs']);
    expect(result.authors.sort()).toEqual(['Ada Lovelace', 'Christian', 'Linus']);
    expect(result.lastEdited).toBe(new Date(1796186996121).toISOString());

    const session = await (await fetch(`${s.url}/api/sessions/lpc-containers`)).json();
    expect(session.topics.map((t: { title: string }) => t.title)).toContain('Imported notes');
    const md = await exportText('lpc-containers');
    expect(md).toContain('Anbox and the Android container story: binderfs landed in 5.0');
    expect(md).toContain('(idmapped mounts)');
    expect(md).toContain('**Securing containers by rethinking parts of ptrace access permissions**');
    expect((await contributors('lpc-containers')).sort()).toEqual(['Ada Lovelace', 'Christian', 'Linus']);
  });

  for (const pad of ['lpc2019-containers-cr', 'html-lists', 'empty-pad']) {
    for (const format of ['etherpad', 'txt', 'html'] as const) {
      it(`imports ${pad}.${format} and its text is in the session export`, async () => {
        const sessionId = `${pad}-${format}`.slice(0, 60);
        const leadToken = await createSession(sessionId, ['Nothing matches this topic']);
        const response = await importPad(sessionId, pad, format, { authorization: `Bearer ${leadToken}` });
        expect(response.status).toBe(200);
        const md = await exportText(sessionId);
        const txt = await readFile(path.join(FIXTURES, `${pad}.txt`), 'utf8');
        // Every word line of the pad's text export is in the session export (lists as Markdown).
        for (const line of txt.split('\n').filter((l) => l.trim() !== '').slice(0, 12)) {
          const content = line.replace(/^\t+(\* |(\d+\.)+ )/, '');
          const words = content.split(/\s+/).filter((w) => w.length > 3 && /^[A-Za-z]+$/.test(w));
          for (const word of words) expect(md, `${word} of "${line}"`).toContain(word);
        }
      });
    }
  }

  it('appends to notes already there and never overwrites', async () => {
    await createSession('twice', ['Android containers']);
    expect((await importPad('twice', 'html-lists', 'txt')).status).toBe(200);
    expect((await importPad('twice', 'lpc2019-containers-cr', 'etherpad')).status).toBe(200);
    const md = await exportText('twice');
    expect(md).toContain('Plain line appended by Linus after setHTML');
    expect(md).toContain('Anbox and the Android container story');
    // The second pad's preamble (no topic heading above it) follows the first pad in "Imported notes".
    expect(md.indexOf('Plain line appended by Linus')).toBeLessThan(md.indexOf('LPC 2019 - Containers and Checkpoint/Restore MC'));
    expect(md.indexOf('Agenda for the containers microconference')).toBeLessThan(md.indexOf('Plain line appended by Linus'));
  });

  it('refuses bad or foreign bodies with a 400 naming the problem, and anyone but an admin or lead', async () => {
    await createSession('refusals', ['A topic']);
    const post = (body: string, type: string, headers: Record<string, string> = admin) =>
      fetch(`${s.url}/api/sessions/refusals/import-pad`, { method: 'POST', headers: { ...headers, 'content-type': type }, body });
    const foreign = await post('{"sessions": []}', 'application/json');
    expect(foreign.status).toBe(400);
    expect((await foreign.json()).error.message).toContain('has no "pad:<id>" record');
    const badPath = await post('{"pad:x": {"atext": {"text": 1, "attribs": ""}, "pool": {"numToAttrib": {}}}}', 'application/json');
    expect(badPath.status).toBe(400);
    expect((await badPath.json()).error.message).toContain('["pad:x"].atext.text must be a string');
    const syntax = await post('{"pad:x": ', 'application/json');
    expect(syntax.status).toBe(400);
    expect((await syntax.json()).error.message).toContain('invalid JSON');
    expect((await post('hello', 'text/plain', {})).status).toBe(403);
    const md = await exportText('refusals');
    expect(md).not.toContain('hello');
  });
});

function cli(script: 'import' | 'import-pad', args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'server', 'cli', `${script}.ts`), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir, ADMIN_TOKEN: TEST_ADMIN_TOKEN }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('pad import limits', () => {
  it('refuses a pad that would take the notes past MAX_DOC_BYTES, writing nothing, and a body past PAD_IMPORT_MAX_BYTES', async () => {
    const small = await startServer({ maxDocBytes: 8 * 1024, maxMessageBytes: 4 * 1024, padImportMaxBytes: 20 * 1024 });
    try {
      const outline = await fetch(`${small.url}/api/events/lpc2019/sessions?sessionId=small`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'text/markdown' },
        body: '# Small\n- Android containers\n',
      });
      expect(outline.ok).toBe(true);
      const pad = await readFile(path.join(FIXTURES, 'lpc2019-containers-cr.txt'), 'utf8');
      const post = (body: string) => fetch(`${small.url}/api/sessions/small/import-pad`, { method: 'POST', headers: { ...admin, 'content-type': 'text/plain' }, body });
      const topicsBefore = (await (await fetch(`${small.url}/api/sessions/small`)).json()).topics;
      const notesBefore = await (await fetch(`${small.url}/api/sessions/small/export?format=json`)).json();
      const tooBig = await post(pad + pad);
      expect(tooBig.status).toBe(413);
      expect((await tooBig.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
      // Nothing left behind: no "Imported notes" topic, no notes, no authors (an .etherpad pad too).
      const etherpad = await readFile(path.join(FIXTURES, 'lpc2019-containers-cr.etherpad'), 'utf8');
      const json = JSON.parse(etherpad) as Record<string, { atext?: { text: string; attribs: string } }>;
      const record = json['pad:lpc2019-containers-cr']!;
      record.atext = { text: record.atext!.text.repeat(2), attribs: `|${(record.atext!.text.split('\n').length * 2 - 2).toString(36)}+${(record.atext!.text.length * 2).toString(36)}` };
      const tooBigPad = await fetch(`${small.url}/api/sessions/small/import-pad`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(json) });
      expect(tooBigPad.status).toBe(413);
      expect((await tooBigPad.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await (await fetch(`${small.url}/api/sessions/small`)).json()).topics).toEqual(topicsBefore);
      const notesAfter = await (await fetch(`${small.url}/api/sessions/small/export?format=json`)).json();
      expect(notesAfter.sessions).toEqual(notesBefore.sessions);
      expect(await (await fetch(`${small.url}/api/sessions/small/export?format=md`)).text()).not.toContain('Anbox');
      expect((await (await fetch(`${small.url}/api/sessions/small/contributors`, { headers: admin })).json()).contributors).toEqual([]);
      expect((await post(pad.repeat(6))).status).toBe(413);
      // A pad that fits still imports afterwards, into a freshly added "Imported notes" topic.
      const fits = await post('Android containers\nAnbox fits\nbinderfs too\n');
      expect(fits.status).toBe(200);
      expect((await (await fetch(`${small.url}/api/sessions/small`)).json()).topics.length).toBe(topicsBefore.length);
    } finally {
      await small.close();
    }
  });
});

describe('npm run import-pad', () => {
  it('imports a pad through a running server, with progress on stderr', async () => {
    await createSession('cli-server', ['Android containers']);
    const run = await cli('import-pad', [path.join(FIXTURES, 'lpc2019-containers-cr.etherpad'), '--session', 'cli-server', '--server', s.url], await makeTempDir());
    expect(run.stderr).toContain('Sending it to');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Authors: Christian, Ada Lovelace, Linus');
    expect(await exportText('cli-server')).toContain('Anbox and the Android container story');
    expect((await contributors('cli-server')).sort()).toEqual(['Ada Lovelace', 'Christian', 'Linus']);
  });

  it('imports a pad into a data dir, and refuses a foreign file naming the problem', async () => {
    const dataDir = await makeTempDir();
    const outline = path.join(dataDir, 'outline.md');
    await writeFile(outline, '# Offline\n- Android containers\n');
    expect((await cli('import', [outline, '--session', 'offline'], dataDir)).code).toBe(0);
    const run = await cli('import-pad', [path.join(FIXTURES, 'html-lists.html'), '--session', 'offline'], dataDir);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Parsed 16 line\(s\) and 0 author\(s\)/);
    expect(run.stdout).toContain('16 line(s) into offline / imported-notes');
    const foreign = path.join(dataDir, 'foreign.etherpad');
    await writeFile(foreign, '{"sessions": []}');
    const refused = await cli('import-pad', [foreign, '--session', 'offline'], dataDir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('has no "pad:<id>" record');
  });
});
