/**
 * `npm run bench [-- --quick] [--server mcpad|reference|both] [--scenario a,b,c,d] [--generators N]
 * [--cpu-prof]`: the load benchmark of issue #7. Starts each server as its own process (fresh for
 * every scenario), drives it from forked load-generator processes over real WebSockets on
 * 127.0.0.1, prints progress and a comparison table, and writes JSON to bench/results/.
 */
import { fork, type ChildProcess, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { PROJECT_ROOT } from '../server/config.ts';
import { sectionNotes, topicSections } from '../shared/doc-schema.ts';
import { buildTemplateUpdate, type TemplateTopic } from '../shared/topic-template.ts';
import type { GeneratorCommand, GeneratorReport } from './generator.ts';
import { BENCH_ADMIN_TOKEN, dirBytes, machineCpu, sampleProcess, startServer, type ServerKind, type ServerProcess } from './servers.ts';
import { nowMs, SYNC_STEP2, SYNC_UPDATE, syncMessage, syncStep1 } from './wire.ts';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  servers: ServerKind[];
  scenarios: string[];
  generators: number;
  cpuProf: boolean;
  windowS: number | null;
  steps: number[] | null;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, servers: ['mcpad', 'reference'], scenarios: ['a', 'b', 'c', 'd'], generators: 2, cpuProf: false, windowS: null, steps: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--server') {
      const v = value();
      options.servers = v === 'both' ? ['mcpad', 'reference'] : (v.split(',') as ServerKind[]);
    } else if (arg === '--scenario') options.scenarios = value().split(',');
    else if (arg === '--generators') options.generators = Number(value());
    else if (arg === '--window') options.windowS = Number(value());
    else if (arg === '--steps') options.steps = value().split(',').map(Number);
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'npm run bench -- [--quick] [--server mcpad|reference|both] [--scenario a,b,c,d] [--generators N] [--cpu-prof]\n' +
          '                 [--window SECONDS] [--steps 50,100,...]  (override the measuring window of a/c and the ramp steps of b)\n' +
          '  (a) 1 session, 50 authors x 2 edits/s + 1,000 lurkers\n' +
          '  (b) 1 session, 1,000 lurkers, authors at 4 edits/s (+ cursor) ramped until p95 > 150 ms\n' +
          '  (c) 20 sessions x (10 authors x 2/s + 100 lurkers)\n' +
          '  (d) fresh-client sync of a session with 10,000 and 100,000 edits of history (cold and warm)\n' +
          '  --quick: small loads and short windows (< 1 min); --cpu-prof: V8 CPU profile of the server in bench/results/prof/',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Load generators

/** Every child process still running, killed when a scenario times out or the bench is stopped. */
const liveChildren = new Set<ChildProcess>();

function killAll(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

class LoadGenerator {
  readonly child: ChildProcess;
  #next = 0;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(path.join(PROJECT_ROOT, 'bench', 'generator.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    liveChildren.add(this.child);
    this.child.on('exit', () => {
      liveChildren.delete(this.child);
      for (const pending of this.#pending.values()) pending.reject(new Error('load generator exited'));
      this.#pending.clear();
    });
    this.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) pending.reject(new Error(message.error));
      else pending.resolve(message.result);
    });
  }

  request<T = null>(command: GeneratorCommand): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.on('exit', () => resolve()));
    await this.request({ cmd: 'close' }).catch(() => undefined);
    await Promise.race([exited, sleep(2000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

interface Fleet {
  /** Lurkers and authors, shared out evenly. */
  load: LoadGenerator[];
  /** Probes get their own process so that their latency is not the lurkers' queueing. */
  probe: LoadGenerator;
  all: LoadGenerator[];
}

async function startFleet(count: number, collabUrl: string, epochMs: number): Promise<Fleet> {
  const load = Array.from({ length: count }, () => new LoadGenerator());
  const probe = new LoadGenerator();
  const all = [...load, probe];
  await Promise.all(all.map((g) => g.request({ cmd: 'init', collabUrl, epochMs })));
  return { load, probe, all };
}

/** Splits `total` into `parts` near-equal whole numbers. */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Sessions

const TOPICS: TemplateTopic[] = Array.from({ length: 5 }, (_, i) => ({ id: `topic-${i + 1}`, title: `Topic ${i + 1}` }));

/** Creates the sessions: imported into mcpad (which builds the template); for the reference server
 *  the same template update is pushed, so both serve byte-identical structure. */
async function createSessions(server: ServerProcess, ids: string[]): Promise<void> {
  if (server.kind === 'mcpad') {
    const response = await fetch(`${server.httpUrl}/api/events/bench/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessions: ids.map((id) => ({ id, title: `Bench ${id}`, topics: TOPICS })) }),
    });
    if (!response.ok) throw new Error(`import failed: ${response.status} ${await response.text()}`);
  }
  const template = buildTemplateUpdate(TOPICS);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, template);
  const stateVector = Y.encodeStateVector(doc);
  await Promise.all(ids.map((id) => pushUpdates(server.collabUrl, id, [template], () => stateVector)));
}

/** Sends updates over one connection and waits until the server has applied them all: after each
 *  chunk, a step 1 carrying the sender's state vector is answered (in order) with a small step 2. */
function pushUpdates(collabUrl: string, session: string, updates: Iterable<Uint8Array>, stateVector: () => Uint8Array, chunk = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${collabUrl}/${session}`, { perMessageDeflate: false });
    const iterator = updates[Symbol.iterator]();
    let done = false;
    const sendChunk = (): void => {
      for (let i = 0; i < chunk && !done; i++) {
        const next = iterator.next();
        if (next.done) done = true;
        else socket.send(syncMessage(SYNC_UPDATE, next.value));
      }
      socket.send(syncStep1(stateVector()));
    };
    let acks = 0;
    socket.on('open', () => sendChunk());
    socket.on('message', (data: Buffer) => {
      if (data[0] !== 0 || data[1] !== SYNC_STEP2) return;
      acks++;
      if (done) {
        done = false;
        acks = -1;
        socket.close();
        resolve();
      } else if (acks > 0) sendChunk();
    });
    socket.on('error', reject);
    socket.on('close', (code) => {
      if (acks !== -1) reject(new Error(`push to ${session} closed with ${code}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

interface WindowResult {
  windowS: number;
  editsSent: number;
  editsPerS: number;
  latencyMs: Percentiles;
  serverMessagesOutPerS: number;
  serverBytesOutPerS: number;
  serverCpuPercent: number;
  serverRssMB: number;
  machineBusyPercent: number;
  generators: { cpuPercent: number; loopLagP99Ms: number; rssMB: number }[];
  /** The load generator, not the server, may be what limits the figures. */
  generatorLimited: boolean;
  /** mcpad only, from its GET /metrics. */
  server: Record<string, number> | null;
}

const GENERATOR_CPU_LIMIT = 85;
const GENERATOR_LAG_LIMIT_MS = 50;

/** mcpad's own view (GET /metrics) of a window: durable write time, coalescing, event-loop lag. */
async function scrapeMetrics(server: ServerProcess): Promise<Map<string, number> | null> {
  if (server.kind !== 'mcpad') return null;
  try {
    const text = await (await fetch(`${server.httpUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      const match = /^([a-z_:][a-z0-9_:]*(?:\{[^}]*\})?) (\S+)$/i.exec(line);
      if (match) values.set(match[1]!, Number(match[2]));
    }
    return values;
  } catch {
    return null;
  }
}

function serverView(before: Map<string, number> | null, after: Map<string, number> | null, windowS: number): Record<string, number> | null {
  if (!before || !after) return null;
  const delta = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const writes = delta('mcpad_store_write_seconds_count');
  const flushes = delta('mcpad_broadcast_flushes_total');
  return {
    updatesInPerS: round(delta('mcpad_updates_in_total') / windowS),
    storeWriteMeanMs: writes > 0 ? Math.round((delta('mcpad_store_write_seconds_sum') / writes) * 1e6) / 1000 : NaN,
    storeWritesOver1msPercent: writes > 0 ? round((1 - delta('mcpad_store_write_seconds_bucket{le="0.001"}') / writes) * 100) : NaN,
    flushesPerS: round(flushes / windowS),
    updatesPerFlush: flushes > 0 ? round(delta('mcpad_broadcast_updates_total') / flushes) : NaN,
    eventLoopLagP99Ms: round((after.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000),
  };
}

async function measure(server: ServerProcess, fleet: Fleet, durationMs: number): Promise<WindowResult> {
  await Promise.all(fleet.all.map((g) => g.request({ cmd: 'window' })));
  const metricsBefore = await scrapeMetrics(server);
  const start = sampleProcess(server.pid)!;
  const machineStart = machineCpu();
  let maxRss = start.rssBytes;
  const sampler = setInterval(() => {
    const sample = sampleProcess(server.pid);
    if (sample) maxRss = Math.max(maxRss, sample.rssBytes);
  }, 250);
  await sleep(durationMs);
  clearInterval(sampler);
  const end = sampleProcess(server.pid)!;
  const machineEnd = machineCpu();
  const metricsAfter = await scrapeMetrics(server);
  const reports = await Promise.all(fleet.all.map((g) => g.request<GeneratorReport>({ cmd: 'report' })));
  const windowS = (end.atMs - start.atMs) / 1000;
  const editsSent = reports.reduce((sum, r) => sum + r.editsSent, 0);
  const generators = reports.map((r) => ({ cpuPercent: round(r.cpuPercent), loopLagP99Ms: round(r.loopLagP99Ms), rssMB: round(r.rssBytes / 2 ** 20) }));
  return {
    windowS: round(windowS),
    editsSent,
    editsPerS: round(editsSent / windowS),
    latencyMs: roundAll(percentiles(reports.flatMap((r) => r.latenciesMs))),
    serverMessagesOutPerS: Math.round(reports.reduce((sum, r) => sum + r.messagesIn, 0) / windowS),
    serverBytesOutPerS: Math.round(reports.reduce((sum, r) => sum + r.bytesIn, 0) / windowS),
    serverCpuPercent: round(((end.cpuSeconds - start.cpuSeconds) / windowS) * 100),
    serverRssMB: round(Math.max(maxRss, end.rssBytes) / 2 ** 20),
    machineBusyPercent: round(((machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total)) * 100),
    generators,
    generatorLimited: generators.some((g) => g.cpuPercent > GENERATOR_CPU_LIMIT || g.loopLagP99Ms > GENERATOR_LAG_LIMIT_MS),
    server: serverView(metricsBefore, metricsAfter, windowS),
  };
}

/** After the authors stopped: waits until every probe has every edit (or `timeoutMs`), returns the
 *  number of (probe, edit) pairs missing. */
async function lostEdits(fleet: Fleet, timeoutMs: number): Promise<{ lost: number; checked: number; connectMs: Percentiles; connectFailures: number; unexpectedCloses: number }> {
  await Promise.all(fleet.all.map((g) => g.request({ cmd: 'stopAuthors' })));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reports = await Promise.all(fleet.all.map((g) => g.request<GeneratorReport>({ cmd: 'report' })));
    let lost = 0;
    let checked = 0;
    const sent = reports.flatMap((r) => Object.entries(r.sentByAuthor));
    for (const probe of reports.flatMap((r) => r.receivedByProbe)) {
      for (const [author, { session, sent: n }] of sent) {
        if (session !== probe.session) continue;
        checked += n;
        lost += Math.max(0, n - (probe.received[Number(author)] ?? 0));
      }
    }
    if (lost === 0 || Date.now() > deadline) {
      return {
        lost,
        checked,
        connectMs: roundAll(percentiles(reports.flatMap((r) => r.connectMs))),
        connectFailures: reports.reduce((s, r) => s + r.connectFailures, 0),
        unexpectedCloses: reports.reduce((s, r) => s + r.unexpectedCloses, 0),
      };
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface Scale {
  lurkers: number;
  authorsA: number;
  warmupMs: number;
  windowMs: number;
  rampSteps: number[];
  rampWindowMs: number;
  sessionsC: number;
  authorsC: number;
  lurkersC: number;
  historySizes: number[];
}

const FULL: Scale = {
  lurkers: 1000,
  authorsA: 50,
  warmupMs: 3000,
  windowMs: 20_000,
  rampSteps: [10, 20, 50, 100, 150, 200, 300, 400, 500, 600, 700, 800, 1000],
  rampWindowMs: 8000,
  sessionsC: 20,
  authorsC: 10,
  lurkersC: 100,
  historySizes: [10_000, 100_000],
};

const QUICK: Scale = {
  lurkers: 200,
  authorsA: 20,
  warmupMs: 1000,
  windowMs: 2000,
  rampSteps: [10, 40],
  rampWindowMs: 2000,
  sessionsC: 3,
  authorsC: 5,
  lurkersC: 20,
  historySizes: [5_000],
};

const PROBES = 2;

interface RunContext {
  options: Options;
  scale: Scale;
  epochMs: number;
  profDir: string;
}

async function withServer<T>(kind: ServerKind, ctx: RunContext, run: (server: ServerProcess) => Promise<T>, keepDataDir = false): Promise<T> {
  const server = await startServer(kind, ctx.options.cpuProf ? { cpuProfDir: ctx.profDir } : {});
  liveChildren.add(server.child);
  server.child.on('exit', () => liveChildren.delete(server.child));
  try {
    return await run(server);
  } finally {
    await server.stop('SIGTERM');
    if (server.dataDir && !keepDataDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

async function withFleet<T>(server: ServerProcess, ctx: RunContext, run: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = await startFleet(ctx.options.generators, server.collabUrl, ctx.epochMs);
  try {
    return await run(fleet);
  } finally {
    await Promise.all(fleet.all.map((g) => g.close()));
  }
}

async function addLurkers(fleet: Fleet, session: string, count: number): Promise<void> {
  await Promise.all(split(count, fleet.load.length).map((n, i) => (n > 0 ? fleet.load[i]!.request({ cmd: 'lurkers', session, count: n }) : null)));
}

let nextAuthor = 1;
async function addAuthors(fleet: Fleet, session: string, count: number, ratePerSec: number): Promise<void> {
  await Promise.all(
    split(count, fleet.load.length).map((n, i) => {
      if (n === 0) return null;
      const firstAuthor = nextAuthor;
      nextAuthor += n;
      return fleet.load[i]!.request({ cmd: 'authors', session, topics: TOPICS, count: n, ratePerSec, firstAuthor });
    }),
  );
}

async function scenarioA(kind: ServerKind, ctx: RunContext): Promise<unknown> {
  const { scale } = ctx;
  return withServer(kind, ctx, async (server) => {
    await createSessions(server, ['bench-a']);
    return withFleet(server, ctx, async (fleet) => {
      log(`  ${scale.lurkers} lurkers, ${PROBES} probes...`);
      await addLurkers(fleet, 'bench-a', scale.lurkers);
      await fleet.probe.request({ cmd: 'probes', session: 'bench-a', count: PROBES });
      log(`  ${scale.authorsA} authors x 2 edits/s...`);
      await addAuthors(fleet, 'bench-a', scale.authorsA, 2);
      await sleep(scale.warmupMs);
      log(`  measuring ${scale.windowMs / 1000} s...`);
      const window = await measure(server, fleet, scale.windowMs);
      const check = await lostEdits(fleet, 10_000);
      return { ...window, ...check };
    });
  });
}

async function scenarioB(kind: ServerKind, ctx: RunContext): Promise<unknown> {
  const { scale } = ctx;
  return withServer(kind, ctx, async (server) => {
    await createSessions(server, ['bench-b']);
    return withFleet(server, ctx, async (fleet) => {
      log(`  ${scale.lurkers} lurkers, ${PROBES} probes...`);
      await addLurkers(fleet, 'bench-b', scale.lurkers);
      await fleet.probe.request({ cmd: 'probes', session: 'bench-b', count: PROBES });
      const steps: unknown[] = [];
      let authors = 0;
      let lastPassing = 0;
      let stoppedBy = 'last step reached';
      for (const target of scale.rampSteps) {
        await addAuthors(fleet, 'bench-b', target - authors, 4);
        authors = target;
        await sleep(Math.min(2000, scale.warmupMs));
        const window = await measure(server, fleet, scale.rampWindowMs);
        steps.push({ authors, ...window });
        log(
          `  ${authors} authors: ${window.editsPerS} edits/s, p95 ${window.latencyMs.p95} ms, p99 ${window.latencyMs.p99} ms, server CPU ${window.serverCpuPercent} %, ` +
            `generators CPU ${window.generators.map((g) => g.cpuPercent).join('/')} %${window.generatorLimited ? ' (generator-limited)' : ''}`,
        );
        if (!(window.latencyMs.p95 <= 150)) {
          stoppedBy = `p95 ${window.latencyMs.p95} ms > 150 ms at ${authors} authors`;
          break;
        }
        lastPassing = authors;
        if (window.editsPerS < authors * 4 * 0.8) {
          stoppedBy = `authors could not keep their rate (${window.editsPerS} of ${authors * 4} edits/s): generator-limited`;
          break;
        }
      }
      const check = await lostEdits(fleet, 15_000);
      return { authorsAtP95Under150: lastPassing, stoppedBy, steps, ...check };
    });
  });
}

async function scenarioC(kind: ServerKind, ctx: RunContext): Promise<unknown> {
  const { scale } = ctx;
  const sessions = Array.from({ length: scale.sessionsC }, (_, i) => `bench-c-${i + 1}`);
  return withServer(kind, ctx, async (server) => {
    await createSessions(server, sessions);
    return withFleet(server, ctx, async (fleet) => {
      log(`  ${sessions.length} sessions x (${scale.lurkersC} lurkers + 1 probe)...`);
      for (const session of sessions) {
        await addLurkers(fleet, session, scale.lurkersC);
        await fleet.probe.request({ cmd: 'probes', session, count: 1 });
      }
      log(`  ${sessions.length} x ${scale.authorsC} authors x 2 edits/s...`);
      for (const session of sessions) await addAuthors(fleet, session, scale.authorsC, 2);
      await sleep(scale.warmupMs);
      log(`  measuring ${scale.windowMs / 1000} s...`);
      const window = await measure(server, fleet, scale.windowMs);
      const check = await lostEdits(fleet, 10_000);
      return { ...window, ...check };
    });
  });
}

/** `count` edits from 200 simulated writers at random places in the notes (one in ten deletes),
 *  as separate updates, the way a long session's history accumulates. */
function* historyUpdates(doc: Y.Doc, count: number): Generator<Uint8Array> {
  Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
  const sections = topicSections(doc);
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const writers = Array.from({ length: 200 }, (_, i) => 1000 + i);
  for (let i = 0; i < count; i++) {
    doc.clientID = writers[Math.floor(random() * writers.length)]!;
    const notes = sectionNotes(sections.get(Math.floor(random() * TOPICS.length)));
    if (notes.length > 20 && random() < 0.1) notes.delete(Math.floor(random() * (notes.length - 3)), 1 + Math.floor(random() * 3));
    else notes.insert(Math.floor(random() * (notes.length + 1)), 'note text '.slice(0, 1 + Math.floor(random() * 9)));
    yield update!;
  }
}

/** A fresh full client: time from sending step 1 to receiving step 2 (the server's answer), and to
 *  having applied it. */
function freshSync(collabUrl: string, session: string): Promise<{ answerMs: number; syncedMs: number; step2Bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const socket = new WebSocket(`${collabUrl}/${session}`, { perMessageDeflate: false, maxPayload: 1024 ** 3 });
    let sentAt = 0;
    socket.on('open', () => {
      sentAt = nowMs();
      socket.send(syncStep1(Y.encodeStateVector(new Y.Doc())));
    });
    socket.on('message', (data: Buffer) => {
      if (data[0] !== 0 || data[1] !== SYNC_STEP2) return;
      const answerMs = nowMs() - sentAt;
      const doc = new Y.Doc();
      const decoderStart = 2;
      // Skip the varUint length prefix of the payload.
      let pos = decoderStart;
      while (data[pos]! & 0x80) pos++;
      Y.applyUpdate(doc, data.subarray(pos + 1));
      const syncedMs = nowMs() - started;
      socket.close();
      doc.destroy();
      resolve({ answerMs: round(answerMs), syncedMs: round(syncedMs), step2Bytes: data.length });
    });
    socket.on('error', reject);
    socket.on('close', (code, reason) => reject(new Error(`fresh client closed: ${code} ${reason.toString()}`)));
  });
}

async function scenarioD(kind: ServerKind, ctx: RunContext): Promise<unknown> {
  const results: Record<string, unknown> = {};
  for (const size of ctx.scale.historySizes) {
    const session = `bench-d-${size}`;
    const entry: Record<string, unknown> = {};
    let dataDir: string | null = null;
    await withServer(kind, ctx, async (server) => {
      dataDir = server.dataDir;
      await createSessions(server, [session]);
      const started = Date.now();
      const writer = new Y.Doc();
      await pushUpdates(server.collabUrl, session, historyUpdates(writer, size), () => Y.encodeStateVector(writer));
      entry.writeS = round((Date.now() - started) / 1000);
      log(`  ${size} edits written in ${entry.writeS} s`);
      // Warm: the doc is in memory. The first fresh client after the writes, then the next one
      // (mcpad answers it from its cached state).
      entry.warmFirst = await freshSync(server.collabUrl, session);
      entry.warm = await freshSync(server.collabUrl, session);
      if (server.dataDir) entry.diskBytesLog = dirBytes(path.join(server.dataDir, 'docs', session));
      if (kind === 'mcpad') {
        // Cold from the update log: the server is killed (no compaction) and restarted.
        await server.stop('SIGKILL');
      }
    }, true);
    if (kind === 'mcpad' && dataDir) {
      const dir: string = dataDir;
      const restart = async (label: string): Promise<void> => {
        const server = await startServer('mcpad', { dataDir: dir, ...(ctx.options.cpuProf ? { cpuProfDir: ctx.profDir } : {}) });
        liveChildren.add(server.child);
        server.child.on('exit', () => liveChildren.delete(server.child));
        try {
          entry[label] = await freshSync(server.collabUrl, session);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n${server.output()}`);
        } finally {
          await server.stop('SIGTERM'); // compacts: the next start loads a snapshot
        }
      };
      await restart('coldFromLog');
      entry.diskBytesSnapshot = dirBytes(path.join(dir, 'docs', session));
      await restart('coldFromSnapshot');
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    log(`  ${size} edits: ${JSON.stringify(entry)}`);
    results[String(size)] = entry;
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function roundAll<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) as T;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

type Results = Record<string, Partial<Record<ServerKind, any>>>;

function table(results: Results, quick: boolean): string {
  const rows: [string, (r: any) => unknown][] = [];
  const out: string[] = [];
  const cell = (v: unknown): string => (v === undefined || v === null || Number.isNaN(v) ? '–' : String(v));
  const section = (title: string, key: string, metrics: [string, (r: any) => unknown][]): void => {
    const r = results[key];
    if (!r) return;
    out.push(`| **${title}${quick ? ' (--quick: scaled down)' : ''}** | | |`);
    const value = (x: any, get: (r: any) => unknown): unknown => {
      if (!x) return undefined;
      try {
        return get(x);
      } catch {
        return undefined;
      }
    };
    if (r.mcpad?.error || r.reference?.error) out.push(`| failed | ${cell(r.mcpad?.error)} | ${cell(r.reference?.error)} |`);
    for (const [name, get] of metrics) out.push(`| ${name} | ${cell(value(r.mcpad, get))} | ${cell(value(r.reference, get))} |`);
  };
  void rows;
  const windowMetrics: [string, (r: any) => unknown][] = [
    ['connect ms p50 / p95 / max', (r) => `${r.connectMs.p50} / ${r.connectMs.p95} / ${r.connectMs.max}`],
    ['connections failed (10 s timeout) / dropped', (r) => `${r.connectFailures} / ${r.unexpectedCloses}`],
    ['edits sent/s (in window)', (r) => r.editsPerS],
    ['edits not at every probe 10 s after the authors stopped (of checked)', (r) => `${r.lost} (of ${r.checked})`],
    ['latency ms p50 / p95 / p99 / max', (r) => `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max}`],
    ['server messages out/s', (r) => r.serverMessagesOutPerS],
    ['server MB out/s', (r) => round(r.serverBytesOutPerS / 1e6)],
    ['server CPU % of a core', (r) => r.serverCpuPercent],
    ['server RSS MB (max)', (r) => r.serverRssMB],
    ['generators CPU % (lag p99 ms)', (r) => r.generators.map((g: any) => `${g.cpuPercent} (${g.loopLagP99Ms})`).join(', ') + (r.generatorLimited ? ' LIMITED' : '')],
    ['machine busy % (2 cores)', (r) => r.machineBusyPercent],
    ['mcpad /metrics: store write mean ms (% > 1 ms)', (r) => (r.server ? `${r.server.storeWriteMeanMs} (${r.server.storeWritesOver1msPercent} %)` : undefined)],
    ['mcpad /metrics: flushes/s, updates per flush', (r) => (r.server ? `${r.server.flushesPerS}, ${r.server.updatesPerFlush}` : undefined)],
    ['mcpad /metrics: event-loop lag p99 ms', (r) => r.server?.eventLoopLagP99Ms],
  ];
  out.push('| metric | mcpad | reference |', '|---|---|---|');
  section('(a) 1 session, 50 authors × 2/s + 1,000 lurkers', 'a', windowMetrics);
  section('(b) ramp at 4 edits/s + cursor, 1,000 lurkers', 'b', [
    ['authors with p95 ≤ 150 ms', (r) => r.authorsAtP95Under150],
    ['stopped by', (r) => r.stoppedBy],
    ['p95 ms per step (authors: p95)', (r) => r.steps.map((s: any) => `${s.authors}: ${s.latencyMs.p95}`).join(', ')],
    ['server CPU % per step', (r) => r.steps.map((s: any) => `${s.authors}: ${s.serverCpuPercent}`).join(', ')],
    ['generator-limited steps', (r) => r.steps.filter((s: any) => s.generatorLimited).map((s: any) => s.authors).join(', ') || 'none'],
    ['edits not at every probe 10 s after the authors stopped (of checked)', (r) => `${r.lost} (of ${r.checked})`],
  ]);
  section('(c) 20 sessions × (10 authors × 2/s + 100 lurkers)', 'c', windowMetrics);
  const d = results.d;
  if (d) {
    out.push('| **(d) fresh client sync of a long history** | | |');
    const sizes = Object.keys((d.mcpad ?? d.reference) as object);
    for (const size of sizes) {
      const m = d.mcpad?.[size];
      const r = d.reference?.[size];
      out.push(`| ${size} edits: step 1 → step 2 ms, first fresh client after the writes | ${cell(m?.warmFirst?.answerMs)} | ${cell(r?.warmFirst?.answerMs)} |`);
      out.push(`| ${size} edits: step 1 → step 2 ms, next fresh client (doc idle) | ${cell(m?.warm?.answerMs)} | ${cell(r?.warm?.answerMs)} |`);
      out.push(`| ${size} edits: connect → synced ms, warm | ${cell(m?.warm?.syncedMs)} | ${cell(r?.warm?.syncedMs)} |`);
      out.push(`| ${size} edits: step 2 ms / synced ms, cold from log (kill -9) | ${m ? `${m.coldFromLog?.answerMs} / ${m.coldFromLog?.syncedMs}` : '–'} | n/a (in memory) |`);
      out.push(`| ${size} edits: step 2 ms / synced ms, cold from snapshot | ${m ? `${m.coldFromSnapshot?.answerMs} / ${m.coldFromSnapshot?.syncedMs}` : '–'} | n/a |`);
      out.push(`| ${size} edits: state bytes (step 2) | ${cell(m?.warm?.step2Bytes)} | ${cell(r?.warm?.step2Bytes)} |`);
      out.push(`| ${size} edits: bytes on disk, log / snapshot | ${m ? `${m.diskBytesLog} / ${m.diskBytesSnapshot}` : '–'} | n/a |`);
    }
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const scale: Scale = {
    ...(options.quick ? QUICK : FULL),
    ...(options.windowS ? { windowMs: options.windowS * 1000 } : {}),
    ...(options.steps ? { rampSteps: options.steps } : {}),
  };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(PROJECT_ROOT, 'bench', 'results');
  const profDir = path.join(resultsDir, 'prof', stamp);
  fs.mkdirSync(resultsDir, { recursive: true });
  const ctx: RunContext = { options, scale, epochMs: Math.floor(nowMs()), profDir };
  const started = Date.now();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: PROJECT_ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  const loadBefore = os.loadavg();
  log(`mcpad bench (${options.quick ? 'quick' : 'full'}) at ${commit}: servers ${options.servers.join(', ')}, scenarios ${options.scenarios.join(', ')}, ${options.generators} load generators + 1 probe process; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  const scenarios: Record<string, (kind: ServerKind, ctx: RunContext) => Promise<unknown>> = { a: scenarioA, b: scenarioB, c: scenarioC, d: scenarioD };
  const results: Results = {};
  for (const name of options.scenarios) {
    const scenario = scenarios[name];
    if (!scenario) throw new Error(`unknown scenario ${name}`);
    results[name] = {};
    for (const kind of options.servers) {
      log(`scenario (${name}) against ${kind}`);
      try {
        const limitMs = options.quick ? 60_000 : 200_000;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // A saturated server (or generator) never gets through the scenario: stop everything.
            killAll();
            reject(new Error(`timed out after ${limitMs / 1000} s (server or load generator saturated); processes killed`));
          }, limitMs);
        });
        try {
          results[name]![kind] = await Promise.race([scenario(kind, ctx), timeout]);
        } finally {
          clearTimeout(timer);
        }
      } catch (error) {
        log(`  failed: ${(error as Error).message}`);
        results[name]![kind] = { error: (error as Error).message };
      }
    }
  }
  const summary = {
    commit,
    startedAt: new Date(started).toISOString(),
    durationS: round((Date.now() - started) / 1000),
    quick: options.quick,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
    results,
  };
  const file = path.join(resultsDir, `${stamp}-${commit}${options.quick ? '-quick' : ''}.json`);
  fs.writeFileSync(file, JSON.stringify(summary, null, 2));
  console.log('\n' + table(results, options.quick));
  console.log(`\nload average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${summary.durationS} s`);
  console.log(`results: ${path.relative(PROJECT_ROOT, file)}${options.cpuProf ? `; CPU profiles: ${path.relative(PROJECT_ROOT, profDir)}` : ''}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  killAll();
  process.exit(1);
});
