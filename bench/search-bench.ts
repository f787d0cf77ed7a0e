/**
 * `npm run bench:search` (issue #17). Two parts, both on clearly synthetic text (generated words,
 * "Synthetic session N"; no real names or topics):
 *
 * 1. The index alone: BENCH_SEARCH_SESSIONS (1,000) sessions × 10 topics × 5 KB of notes (50 KB a
 *    session) + 3 action items per topic: build time, heap, the persisted JSON (size, write and
 *    load time), and p50/p95 latency of single words, phrases, prefixes and typos (a page of 20,
 *    snippets included; `word` draws each distinct word alike, `common` as often as it occurs).
 * 2. A real server: one session of 50 KB under scenario (a)'s edit load (50 authors × 2 edits/s,
 *    stock WebsocketProvider clients), plus BENCH_SEARCH_LIVE_SESSIONS (100) other 50 KB sessions in
 *    the index; a probe types a new word (0.3–1.1 s apart) and polls GET /api/search until it is found:
 *    edit-to-searchable delay p50/p95/max (probes at random intervals, 0.3–1.1 s apart).
 *
 * Run with `node --expose-gc` (the npm script does) for heap figures. Results also go to
 * bench/results/search-<time>.json (git-ignored).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { buildApp, type App } from '../server/app.ts';
import { makeConfig, PROJECT_ROOT } from '../server/config.ts';
import { sessionDocuments } from '../server/search/search-documents.ts';
import { SearchIndex } from '../server/search/search-index.ts';
import { SearchIndex as BaselineIndex } from './search-baseline.ts';
import { restoreNotes, type RestoreSection } from '../server/sessions/restore-content.ts';
import { findSection, sectionNotes } from '../shared/doc-schema.ts';
import type { Session } from '../shared/domain.ts';

const SESSIONS = Number(process.env.BENCH_SEARCH_SESSIONS ?? 1_000);
const LIVE_SESSIONS = Number(process.env.BENCH_SEARCH_LIVE_SESSIONS ?? 100);
const TOPICS = 10;
const NOTE_BYTES = 5_000;
const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 200);
const AUTHORS = 50;
const PROBES = Number(process.env.BENCH_SEARCH_PROBES ?? 20);
const TOKEN = 'bench-admin-token-0123456789abcdef';
/** BENCH_SEARCH_BASELINE=1: also builds the index as it was before the latency work
 *  (bench/search-baseline.ts) and times every query on both, interleaved, in the same run. */
const BASELINE = process.env.BENCH_SEARCH_BASELINE === '1';

const log = (message: string): void => void process.stderr.write(`${message}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded PRNG (mulberry32): every run indexes the same text. `randomState` can be saved and
 *  restored to generate the same sessions again (the baseline index of BENCH_SEARCH_BASELINE). */
let randomState = 17;
function random(): number {
  randomState = (randomState + 0x6d2b79f5) | 0;
  let t = Math.imul(randomState ^ (randomState >>> 15), 1 | randomState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const SYLLABLES = ['ka', 'lo', 'mir', 'ven', 'tas', 'pre', 'qu', 'dor', 'sil', 'nex', 'ru', 'fa', 'gle', 'bor', 'ti', 'zan', 'mo', 'cre', 'vi', 'pol'];
/** 5,000 generated words of 2–4 syllables (e.g. "kamirven"): clearly not real notes. */
const VOCABULARY = [...new Set(Array.from({ length: 6_000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join('')))].slice(0, 5_000);
// Zipf-like: a few words are everywhere, most are rare, as in prose.
const pickSyllables = (): string => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]!;

/**
 * BENCH_SEARCH_CORPUS=zipf: a less repetitive corpus, still clearly synthetic. 20,000 generated
 * words of 1–4 syllables from 100 consonant-vowel syllables (so far fewer shared prefixes and near
 * neighbours than the 20-syllable words), drawn by Zipf's law (the word of rank r with probability
 * ∝ 1/r), as words are in prose. The default `syllables` corpus is kept for comparison.
 */
const CORPUS = process.env.BENCH_SEARCH_CORPUS === 'zipf' ? 'zipf' : 'syllables';
function zipfPicker(): () => string {
  const syllables = [...'bdfgklmnprstvzhj'.slice(0, 20)].flatMap((c) => [...'aeiou'].map((v) => c + v)).slice(0, 100);
  const words = new Set<string>();
  while (words.size < 20_000) words.add(Array.from({ length: 1 + Math.floor(random() * 4) }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  const vocabulary = [...words];
  const cumulative = new Float64Array(vocabulary.length);
  let total = 0;
  for (let r = 0; r < vocabulary.length; r++) cumulative[r] = total += 1 / (r + 1);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = vocabulary.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
}
const pick: () => string = CORPUS === 'zipf' ? zipfPicker() : pickSyllables;

function text(bytes: number): string {
  const words: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = pick();
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

function syntheticSession(i: number): { session: Session; sections: RestoreSection[] } {
  const session: Session = {
    id: `synthetic-${i + 1}`,
    eventId: `synthetic-event-${(i % 10) + 1}`,
    title: `Synthetic session ${i + 1} ${pick()}`,
    description: text(300),
    leads: [{ name: `Synthetic lead ${i % 40}` }],
    topics: Array.from({ length: TOPICS }, (_, t) => ({ id: `topic-${t + 1}`, title: `${pick()} ${pick()} ${pick()}`, speakers: [`Synthetic speaker ${(i + t) % 60}`], abstract: '' })),
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
  const sections: RestoreSection[] = session.topics.map((topic, t) => ({
    id: topic.id,
    title: topic.title,
    notes: text(NOTE_BYTES),
    actions: Array.from({ length: 3 }, (_, a) => ({
      id: `a${i}-${t}-${a}`,
      text: text(60),
      done: false,
      createdBy: `Synthetic note taker ${a}`,
      createdAt: '2026-01-01T00:00:00Z',
      assignee: { name: `Synthetic person ${(i + a) % 30}` },
      status: a === 0 ? 'done' : 'open',
    })),
  }));
  return { session, sections };
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
};
const heapMb = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

type QueryKind = 'word' | 'common' | 'phrase' | 'prefix' | 'typo';

/** `word`: a word of the sample, each distinct word as likely (what people look for); `common`: a
 *  word as often as it occurs (mostly the most frequent words, which match nearly every document). */
function queries(kind: QueryKind, sample: string): string[] {
  const words = sample.split(' ');
  const distinct = [...new Set(words)];
  return Array.from({ length: QUERIES }, () => {
    const at = Math.floor(random() * (words.length - 2));
    const word = kind === 'word' || kind === 'prefix' || kind === 'typo' ? distinct[Math.floor(random() * distinct.length)]! : words[at]!;
    switch (kind) {
      case 'word':
      case 'common':
        return word;
      case 'phrase':
        return `"${word} ${words[at + 1]}"`;
      case 'prefix':
        return word.slice(0, Math.max(3, Math.ceil(word.length / 2)));
      case 'typo': {
        const i = 1 + Math.floor(random() * (word.length - 2));
        return word.slice(0, i) + (word[i] === 'x' ? 'y' : 'x') + word.slice(i + 1);
      }
    }
  });
}

async function indexPart(): Promise<Record<string, unknown>> {
  log(`Part 1: index of ${SESSIONS} sessions × ${TOPICS} topics × ${NOTE_BYTES} B (synthetic)`);
  const generatedFrom = randomState;
  const inputs = Array.from({ length: SESSIONS }, (_, i) => syntheticSession(i));
  const generatedTo = randomState;
  const heapBefore = heapMb();
  const index = new SearchIndex();
  const started = performance.now();
  for (const { session, sections } of inputs) {
    const docs = sessionDocuments(session, sections.map(({ id, title, notes, actions }) => ({ id, title, notes, actions: actions.map((a) => ({ ...a, status: a.status })), decisions: [] })));
    index.setSession(session.id, docs, { notes: 'n', state: 's', meta: 'm' });
  }
  const buildMs = performance.now() - started;
  const sample = inputs[Math.floor(SESSIONS / 2)]!.sections[3]!.notes;
  inputs.length = 0;
  const heap = heapMb() - heapBefore;
  log(`  built in ${buildMs.toFixed(0)} ms; heap +${heap.toFixed(0)} MB; ${index.documentCount} documents`);
  const serialiseStarted = performance.now();
  const json = index.toJSON();
  const serialiseMs = performance.now() - serialiseStarted;
  const loadStarted = performance.now();
  const loaded = SearchIndex.fromJSON(json);
  const loadMs = performance.now() - loadStarted;
  if (!loaded) throw new Error('the index did not load back');
  log(`  JSON ${(json.length / 1e6).toFixed(0)} MB: serialised in ${serialiseMs.toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms`);
  let baseline: BaselineIndex | null = null;
  let baselineBuildMs = 0;
  if (BASELINE) {
    // The same sessions again (the same seed), one at a time.
    randomState = generatedFrom;
    baseline = new BaselineIndex();
    const t = performance.now();
    for (let i = 0; i < SESSIONS; i++) {
      const { session, sections } = syntheticSession(i);
      baseline.setSession(session.id, sessionDocuments(session, sections.map(({ id, title, notes, actions }) => ({ id, title, notes, actions: actions.map((a) => ({ ...a, status: a.status })), decisions: [] }))), { notes: 'n', state: 's', meta: 'm' });
    }
    baselineBuildMs = performance.now() - t;
    if (randomState !== generatedTo) throw new Error('the baseline was not built from the same sessions');
    log(`  baseline index built in ${baselineBuildMs.toFixed(0)} ms (generating the text included)`);
  }
  type Figures = { p50Ms: number; p95Ms: number; meanHits: number; samePages?: number };
  const latency: Record<string, Figures> = {};
  const baselineLatency: Record<string, Figures> = {};
  const figures = (times: number[], hits: number): Figures => ({ p50Ms: round(percentile(times, 50), 2), p95Ms: round(percentile(times, 95), 2), meanHits: round(hits / QUERIES) });
  for (const kind of ['word', 'common', 'phrase', 'prefix', 'typo'] as const) {
    const times: number[] = [];
    const baseTimes: number[] = [];
    let hits = 0;
    let baseHits = 0;
    let samePages = 0;
    let newPage: string[] = [];
    for (const [n, q] of queries(kind, sample).entries()) {
      // Interleaved, each going first every other query: both see the same load and caches.
      const runs = [
        () => {
          const t = performance.now();
          const found = index.search(q, { readable: () => true }, { limit: 20 }).hits;
          times.push(performance.now() - t);
          hits += found.length;
          newPage = found.map((h) => h.doc.id);
        },
        () => {
          if (!baseline) return;
          const t = performance.now();
          const found = baseline.search(q, { readable: () => true }, { limit: 20 }).hits;
          baseTimes.push(performance.now() - t);
          baseHits += found.length;
          return found.map((h) => h.doc.id);
        },
      ] as const;
      let basePage: string[] = [];
      if (n % 2 === 0) {
        runs[0]();
        basePage = runs[1]() ?? [];
      } else {
        basePage = runs[1]() ?? [];
        runs[0]();
      }
      if (basePage.join() === newPage.join()) samePages++;
    }
    latency[kind] = figures(times, hits);
    log(`  ${kind.padEnd(7)} p50 ${latency[kind].p50Ms} ms, p95 ${latency[kind].p95Ms} ms (page of ≤ 20, mean ${latency[kind].meanHits})`);
    if (baseline) {
      baselineLatency[kind] = { ...figures(baseTimes, baseHits), samePages };
      log(`  ${''.padEnd(7)} baseline: p50 ${baselineLatency[kind].p50Ms} ms, p95 ${baselineLatency[kind].p95Ms} ms (mean ${baselineLatency[kind].meanHits}); same page (ids, order) ${samePages}/${QUERIES}`);
    }
  }
  return { corpus: CORPUS, ...(baseline ? { baseline: { buildMs: Math.round(baselineBuildMs), latency: baselineLatency } } : {}), sessions: SESSIONS, documents: index.documentCount, buildMs: Math.round(buildMs), heapMb: Math.round(heap), jsonMb: round(json.length / 1e6), serialiseMs: Math.round(serialiseMs), loadMs: Math.round(loadMs), latency };
}

async function livePart(): Promise<Record<string, unknown>> {
  log(`Part 2: a real server, ${AUTHORS} authors × 2 edits/s in one 50 KB session, ${LIVE_SESSIONS} other 50 KB sessions indexed`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mcpad-search-bench-'));
  let app: App | null = null;
  const providers: WebsocketProvider[] = [];
  try {
    const config = makeConfig({ port: 0, dataDir, seedDir: null, adminToken: TOKEN, logLevel: 'silent', maxConnectionsPerIp: 1_000, maxExpensiveReadsPerMinute: 100_000 });
    app = await buildApp(config);
    await app.fastify.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.fastify.server.address() as { port: number }).port;
    const all = Array.from({ length: LIVE_SESSIONS + 1 }, (_, i) => syntheticSession(i));
    await app.meta.importSessions('synthetic-event-1', all.map(({ session }) => ({ ...session, eventId: undefined })), { eventTitle: 'Synthetic event' });
    for (const [i, { session, sections }] of all.entries()) {
      if (i % 20 === 0) log(`  filling session ${i + 1}/${all.length}`);
      await restoreNotes(app.docs, session.id, sections);
    }
    const target = all[0]!.session.id;
    await waitUntil(async () => (await searchCount(port, `"${all[LIVE_SESSIONS]!.sections[0]!.notes.split(' ').slice(0, 3).join(' ')}"`)) > 0, 60_000);
    log(`  ${AUTHORS} authors typing...`);
    for (let a = 0; a <= AUTHORS; a++) {
      const doc = new Y.Doc();
      providers.push(new WebsocketProvider(`ws://127.0.0.1:${port}/collab`, target, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true }));
    }
    await waitUntil(() => providers.every((p) => p.synced), 60_000);
    const notesOf = (p: WebsocketProvider, topic: number): Y.Text => sectionNotes(findSection(p.doc, `topic-${topic}`)!)!;
    const authors = providers.slice(1);
    const typing = setInterval(() => {
      // 50 authors × 2 edits/s: each 100 ms, 10 of them type a word.
      for (let k = 0; k < AUTHORS / 5; k++) {
        const p = authors[Math.floor(random() * authors.length)]!;
        const notes = notesOf(p, 1 + Math.floor(random() * TOPICS));
        notes.insert(notes.length, ` ${pick()}`);
      }
    }, 100);
    await sleep(3_000);
    const delays: number[] = [];
    const probe = providers[0]!;
    for (let n = 0; n < PROBES; n++) {
      const word = `probeword${n}zq`;
      const notes = notesOf(probe, 2);
      const typedAt = performance.now();
      notes.insert(notes.length, ` ${word}`);
      // Found as itself: typo matching would find the previous probe's word (one letter apart) at once.
      await waitUntil(async () => (await searchSnippets(port, word)).some((snippet) => snippet.includes(`<mark>${word}</mark>`)), 10_000, 25);
      delays.push(performance.now() - typedAt);
      // A random pause: probes must not fall in step with the reindex timer the authors keep armed.
      await sleep(300 + random() * 800);
    }
    clearInterval(typing);
    const result = { authors: AUTHORS, otherSessions: LIVE_SESSIONS, reindexDelayMs: config.searchReindexDelayMs, p50Ms: Math.round(percentile(delays, 50)), p95Ms: Math.round(percentile(delays, 95)), maxMs: Math.round(Math.max(...delays)) };
    log(`  edit → searchable: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms (reindex delay ${result.reindexDelayMs} ms)`);
    return result;
  } finally {
    for (const p of providers) p.destroy();
    await app?.fastify.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function searchCount(port: number, q: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/search?q=${encodeURIComponent(q)}&limit=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (response.status === 429) return 0;
  const body = (await response.json()) as { results?: unknown[] };
  return body.results?.length ?? 0;
}

let lastSeen = '';

async function searchSnippets(port: number, q: string): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${port}/api/search?q=${encodeURIComponent(q)}&limit=5`, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (response.status === 429) return [];
  const body = (await response.json()) as { results?: Array<{ snippet: string }> };
  lastSeen = JSON.stringify(body).slice(0, 600);
  return (body.results ?? []).map((r) => r.snippet);
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out${lastSeen ? `; last answer: ${lastSeen}` : ""}`);
    await sleep(intervalMs);
  }
}

/** BENCH_SEARCH_PARTS=index or =live runs one part only. */
const PARTS = new Set((process.env.BENCH_SEARCH_PARTS ?? 'index,live').split(','));

async function main(): Promise<void> {
  const index = PARTS.has('index') ? await indexPart() : null;
  gc?.();
  const live = PARTS.has('live') ? await livePart() : null;
  const outDir = path.join(PROJECT_ROOT, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `search-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ index, live, node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg() }, null, 2));
  console.log(JSON.stringify({ index, live }, null, 2));
  log(`written to ${file}`);
}

await main();
