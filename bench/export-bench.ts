/**
 * `npm run bench:export`: time to export an event of 20 sessions × 10 topics × ~5 KB of notes (plus
 * 3 action items per topic) from a real server over HTTP, in every format. The data dir is built
 * first, then the server is restarted so the first export loads every doc from disk ("cold"); the
 * following runs find the docs in memory ("warm", median of RUNS). Results also go to
 * bench/results/export-<time>.json (git-ignored).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../server/app.ts';
import { makeConfig, PROJECT_ROOT } from '../server/config.ts';
import { restoreNotes, type RestoreSection } from '../server/sessions/restore-content.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../shared/export/formats.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20);
const TOPICS = Number(process.env.BENCH_TOPICS ?? 10);
const NOTE_BYTES = Number(process.env.BENCH_NOTE_BYTES ?? 5_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TOKEN = 'bench-admin-token-0123456789abcdef';

const log = (message: string): void => void process.stderr.write(`${message}\n`);

/** ~`bytes` of realistic Markdown notes: headings, lists, links, code, emphasis. */
function notes(session: number, topic: number, bytes: number): string {
  const parts: string[] = [`Notes for topic ${topic + 1} of session ${session + 1}.`];
  for (let i = 0; parts.join('\n').length < bytes; i++) {
    parts.push(
      `\n## Discussion point ${i + 1}\n`,
      `- The *current* state of the **patchset** was reviewed; see [lore](https://lore.kernel.org/lkml/${session}-${topic}-${i}/).`,
      '- Maintainers asked for a `Kconfig` switch and better tests before merging into the next release.',
      `- Open question ${i + 1}: does this need a new syscall, or can an existing interface be extended safely?`,
      '\n```c\nint fd = sys_pidfd_open(pid, 0);\nif (fd < 0) return -errno;\n```\n',
      'Consensus was to post a v2 with the feedback addressed, and to follow up on the mailing list with numbers.',
    );
  }
  return parts.join('\n').slice(0, bytes);
}

async function start(dataDir: string): Promise<{ app: App; url: string }> {
  const app = await buildApp(makeConfig({ port: 0, dataDir, seedDir: null, adminToken: TOKEN, logLevel: 'silent' }));
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.fastify.server.address() as { port: number }).port}` };
}

async function timeExport(url: string, format: ExportFormat): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/api/events/bench/export?format=${format}`);
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`export ${format} answered ${response.status}: ${Buffer.from(body).toString()}`);
  return { ms: performance.now() - started, bytes: body.byteLength };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mcpad-export-bench-'));
  try {
    log(`Preparing ${SESSIONS} sessions × ${TOPICS} topics × ${NOTE_BYTES} bytes of notes in ${dataDir}`);
    let server = await start(dataDir);
    const drafts = Array.from({ length: SESSIONS }, (_, s) => ({
      id: `session-${s + 1}`,
      title: `Microconference ${s + 1}`,
      description: `Session ${s + 1} of the benchmark event.`,
      leads: [{ name: `Lead ${s + 1}`, email: `lead${s + 1}@example.org` }],
      schedule: { start: `2019-09-${String(9 + Math.floor(s / 7)).padStart(2, '0')}T${String(9 + (s % 7)).padStart(2, '0')}:00:00+01:00` },
      topics: Array.from({ length: TOPICS }, (_, t) => ({ id: `topic-${t + 1}`, title: `Topic ${t + 1} of session ${s + 1}`, speakers: [`Speaker ${t + 1}`] })),
    }));
    await server.app.meta.importSessions('bench', drafts, { eventTitle: 'Benchmark Conference' });
    for (let s = 0; s < SESSIONS; s++) {
      log(`  filling session ${s + 1}/${SESSIONS}`);
      const sections: RestoreSection[] = Array.from({ length: TOPICS }, (_, t) => ({
        id: `topic-${t + 1}`,
        title: `Topic ${t + 1} of session ${s + 1}`,
        notes: notes(s, t, NOTE_BYTES),
        actions: Array.from({ length: 3 }, (_, a) => ({
          id: `s${s}-t${t}-a${a}`,
          text: `Follow up on point ${a + 1} of topic ${t + 1}`,
          done: a === 0,
          createdBy: `Note taker ${(s + a) % 7}`,
          createdAt: '2019-09-10T10:00:00Z',
          assignee: { name: `Person ${(s * 3 + t + a) % 25}` },
          due: '2019-10-01',
          status: a === 0 ? 'done' : 'open',
        })),
      }));
      await restoreNotes(server.app.docs, `session-${s + 1}`, sections);
    }
    await server.app.fastify.close();

    log('Restarting the server (docs on disk only)');
    server = await start(dataDir);
    const results: Record<string, { coldMs?: number; warmMedianMs: number; warmMinMs: number; bytes: number }> = {};
    const cold = await timeExport(server.url, 'json');
    log(`  cold json export (loads ${SESSIONS} docs from disk): ${cold.ms.toFixed(0)} ms, ${(cold.bytes / 1024).toFixed(0)} KiB`);
    for (const format of EXPORT_FORMATS) {
      const times: number[] = [];
      let bytes = 0;
      for (let run = 1; run <= RUNS; run++) {
        const { ms, bytes: size } = await timeExport(server.url, format);
        times.push(ms);
        bytes = size;
        log(`  ${format} run ${run}/${RUNS}: ${ms.toFixed(0)} ms`);
      }
      results[format] = { warmMedianMs: Math.round(median(times)), warmMinMs: Math.round(Math.min(...times)), bytes, ...(format === 'json' ? { coldMs: Math.round(cold.ms) } : {}) };
    }
    await server.app.fastify.close();

    console.log(`\nEvent export, ${SESSIONS} sessions × ${TOPICS} topics × ${NOTE_BYTES} B notes (+3 action items per topic), over HTTP:`);
    console.log('format  size       warm median  warm min  cold (docs from disk)');
    for (const format of EXPORT_FORMATS) {
      const r = results[format]!;
      console.log(
        `${format.padEnd(7)} ${`${(r.bytes / 1024).toFixed(0)} KiB`.padEnd(10)} ${`${r.warmMedianMs} ms`.padEnd(12)} ${`${r.warmMinMs} ms`.padEnd(9)} ${r.coldMs !== undefined ? `${r.coldMs} ms` : ''}`,
      );
    }
    const outDir = path.join(PROJECT_ROOT, 'bench', 'results');
    await mkdir(outDir, { recursive: true });
    const file = path.join(outDir, `export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, JSON.stringify({ sessions: SESSIONS, topics: TOPICS, noteBytes: NOTE_BYTES, runs: RUNS, node: process.version, cpus: os.cpus().length, results }, null, 2));
    log(`Results written to ${path.relative(PROJECT_ROOT, file)}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
