/**
 * `npm run bench:pad-import`: imports a large Etherpad pad through the real server route. The
 * `.etherpad` file is generated here: PAD_REVS revisions (10,000 by default) whose changesets make up
 * most of ~5 MB, a head text of ~PAD_TEXT_BYTES written by 5 authors in alternating runs, and a
 * topic heading every 200 lines. Reports the parse and route times (and the whole-body JSON.parse's
 * share: its time, and with `node --expose-gc` the heap its result holds), and peak RSS / heap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/app.ts';
import { makeConfig } from '../server/config.ts';
import { parseEtherpadPad } from '../server/import/etherpad/index.ts';

const REVS = Number(process.env.PAD_REVS ?? 10_000);
const TEXT_BYTES = Number(process.env.PAD_TEXT_BYTES ?? 1_000_000);
const TOKEN = 'bench-admin-token-0123456789abcdef';
const log = (message: string): void => void process.stderr.write(`${message}\n`);

function generatePad(): string {
  const authors = Array.from({ length: 5 }, (_, i) => `a.bench${i}`);
  const pool: Record<string, [string, string]> = Object.fromEntries(authors.map((a, i) => [String(i), ['author', a]]));
  let text = '';
  let attribs = '';
  for (let line = 0; text.length < TEXT_BYTES; line++) {
    const content = line % 200 === 0 ? `Topic ${line / 200}` : `- line ${line}: the patchset was reviewed and a v2 is expected next cycle`;
    const half = Math.floor(content.length / 2);
    const a = line % 5;
    const b = (line + 1) % 5;
    attribs += `*${a}+${half.toString(36)}*${b}|1+${(content.length - half + 1).toString(36)}`;
    text += content + '\n';
  }
  text += '\n';
  attribs += '|1+1';
  const record: Record<string, unknown> = { 'pad:bench': { atext: { text, attribs }, pool: { numToAttrib: pool, nextNum: 5 }, head: REVS - 1, chatHead: -1 } };
  authors.forEach((a, i) => (record[`globalAuthor:${a}`] = { colorId: i, name: `Author ${i}`, timestamp: 0, padIDs: 'bench' }));
  const filler = 'x'.repeat(Math.max(0, Math.floor((5_400_000 - text.length * 2) / REVS) - 60));
  for (let rev = 0; rev < REVS; rev++) record[`pad:bench:revs:${rev}`] = { changeset: `Z:1>1*0+1$${filler}`, meta: { author: authors[rev % 5], timestamp: 1_700_000_000_000 + rev } };
  return JSON.stringify(record);
}

async function main(): Promise<void> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const body = generatePad();
  log(`generated a .etherpad of ${(body.length / 1e6).toFixed(1)} MB with ${REVS} revisions`);
  const baseRss = process.memoryUsage().rss;

  // The share of the whole-body JSON.parse (time, and the heap its result holds: with
  // `node --expose-gc` only) in the pad parse, to judge whether a streaming parser would pay.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let started = performance.now();
  const json: unknown = JSON.parse(body);
  const jsonParseMs = performance.now() - started;
  const jsonHeapMB = gc ? Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e5) / 10 : null;
  void json;

  started = performance.now();
  const parsed = parseEtherpadPad('etherpad', body);
  const parseMs = performance.now() - started;

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mcpad-pad-bench-'));
  const app = await buildApp(makeConfig({ port: 0, dataDir, seedDir: null, adminToken: TOKEN, logLevel: 'silent' }));
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.fastify.server.address() as { port: number }).port}`;
  const topics = Array.from({ length: 10 }, (_, i) => `- Topic ${i}`).join('\n');
  const created = await fetch(`${url}/api/events/bench/sessions?sessionId=bench`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/markdown' }, body: `# Bench\n${topics}\n` });
  if (!created.ok) throw new Error(`session: ${created.status}`);

  started = performance.now();
  const response = await fetch(`${url}/api/sessions/bench/import-pad`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
  const result = await response.json();
  const routeMs = performance.now() - started;
  clearInterval(sample);
  if (!response.ok) throw new Error(`import: ${response.status} ${JSON.stringify(result)}`);
  await app.fastify.close(); // closes the services too (preClose hook) and the listening socket, so the process exits
  await rm(dataDir, { recursive: true, force: true });
  const summary = {
    padBytes: body.length,
    revisions: REVS,
    lines: parsed.lines.length,
    jsonParseMs: Math.round(jsonParseMs),
    jsonHeapMB,
    parseMs: Math.round(parseMs),
    routeMs: Math.round(routeMs),
    topics: result.topics.length,
    authors: result.authors.length,
    baseRssMB: Math.round(baseRss / 1e6),
    peakRssMB: Math.round(peakRss / 1e6),
    peakHeapMB: Math.round(peakHeap / 1e6),
  };
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
