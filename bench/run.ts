/**
 * `npm run bench [-- --quick] [--server mcpad|reference|both] [--scenario a,b,c,d,e] [--generators N]
 * [--cpu-prof]`: the load benchmark of issue #7. Starts each server as its own process (fresh for
 * every scenario), drives it from forked load-generator processes over real WebSockets on
 * 127.0.0.1, prints progress and a comparison table, and writes JSON to bench/results/.
 * Scenario (e) (issue #8, mcpad only, needs redis-server) compares one instance with two sharing
 * a Redis: edit latency on the authors' instance and on the other one.
 */
import { fork, type ChildProcess, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { PROJECT_ROOT } from '../server/config.ts';
import { sectionNotes, topicSections, type SectionMap } from '../shared/doc-schema.ts';
import { buildTemplateUpdate, type TemplateTopic } from '../shared/topic-template.ts';
import type { GeneratorCommand, GeneratorReport } from './generator.ts';
import {
  BENCH_ADMIN_TOKEN,
  dirBytes,
  machineCpu,
  sampleProcess,
  startRedisProcess,
  startServer,
  type RedisProcess,
  type ServerKind,
  type ServerOptions,
  type ServerProcess,
} from './servers.ts';
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
        'npm run bench -- [--quick] [--server mcpad|reference|both] [--scenario a,b,c,d,e] [--generators N] [--cpu-prof]\n' +
          '                 [--window SECONDS] [--steps 50,100,...]  (override the measuring window of a/c and the ramp steps of b)\n' +
          '  (a) 1 session, 50 authors x 2 edits/s + 1,000 lurkers\n' +
          '  (b) 1 session, 1,000 lurkers, authors at 4 edits/s (+ cursor) ramped until p95 > 150 ms\n' +
          '  (c) 20 sessions x (10 authors x 2/s + 100 lurkers)\n' +
          '  (d) fresh-client sync of a session with 10,000 and 100,000 edits of history (cold and warm)\n' +
          '  (e) cluster, mcpad only, not in the default list (needs /usr/bin/redis-server): 1 session, 50 authors x 2 edits/s\n' +
          '      + 500 lurkers, on one instance, then on two sharing a redis-server (authors on the first, lurkers split);\n' +
          '      edit latency at probes on the authors\' instance and on the other one\n' +
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

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
}

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
    track(this.child);
    // A send racing the child's death reports here; the 'exit' handler fails what was pending.
    this.child.on('error', () => undefined);
    this.child.on('exit', () => {
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
    // Killed by a scenario timeout: fail the request rather than throw from send().
    if (!this.child.connected) return Promise.reject(new Error('load generator exited'));
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

/** A process measured over a window; a server's /metrics are scraped too. */
interface Watched {
  name: string;
  pid: number;
  server?: ServerProcess;
}

interface ProcessUsage {
  name: string;
  cpuPercent: number;
  rssMB: number;
  /** mcpad only, from its GET /metrics. */
  server: Record<string, number> | null;
}

/** Samples CPU time at both ends and RSS every 250 ms; `stop` gives each process's CPU % of a
 *  core and max RSS over the window. */
function watchProcesses(watched: Watched[]): { stop(): { windowS: number; usage: Omit<ProcessUsage, 'server'>[] } } {
  const startedAt = Date.now();
  const starts = watched.map((w) => sampleProcess(w.pid)!);
  const maxRss = starts.map((sample) => sample.rssBytes);
  const sampleRss = (): void =>
    watched.forEach((w, i) => {
      const sample = sampleProcess(w.pid);
      if (sample) maxRss[i] = Math.max(maxRss[i]!, sample.rssBytes);
    });
  const sampler = setInterval(sampleRss, 250);
  return {
    stop() {
      clearInterval(sampler);
      sampleRss();
      const windowS = (Date.now() - startedAt) / 1000;
      const usage = watched.map((w, i) => {
        const end = sampleProcess(w.pid)!;
        return { name: w.name, cpuPercent: round(((end.cpuSeconds - starts[i]!.cpuSeconds) / windowS) * 100), rssMB: round(maxRss[i]! / 2 ** 20) };
      });
      return { windowS, usage };
    },
  };
}

interface WindowDetail {
  /** The figures of scenarios (a) to (c); its server fields are the first watched process's. */
  window: WindowResult;
  processes: ProcessUsage[];
  /** Per generator, in the order given. */
  reports: GeneratorReport[];
}

async function measureWindow(watched: Watched[], generators: LoadGenerator[], durationMs: number): Promise<WindowDetail> {
  await Promise.all(generators.map((g) => g.request({ cmd: 'window' })));
  const scrapeAll = (): Promise<(Map<string, number> | null)[]> => Promise.all(watched.map((w) => (w.server ? scrapeMetrics(w.server) : null)));
  const metricsBefore = await scrapeAll();
  const watch = watchProcesses(watched);
  const machineStart = machineCpu();
  await sleep(durationMs);
  const { windowS, usage } = watch.stop();
  const machineEnd = machineCpu();
  const metricsAfter = await scrapeAll();
  const reports = await Promise.all(generators.map((g) => g.request<GeneratorReport>({ cmd: 'report' })));
  const processes = usage.map((u, i) => ({ ...u, server: serverView(metricsBefore[i]!, metricsAfter[i]!, windowS) }));
  const editsSent = reports.reduce((sum, r) => sum + r.editsSent, 0);
  const generatorFigures = reports.map((r) => ({ cpuPercent: round(r.cpuPercent), loopLagP99Ms: round(r.loopLagP99Ms), rssMB: round(r.rssBytes / 2 ** 20) }));
  const window: WindowResult = {
    windowS: round(windowS),
    editsSent,
    editsPerS: round(editsSent / windowS),
    latencyMs: roundAll(percentiles(reports.flatMap((r) => r.latenciesMs))),
    serverMessagesOutPerS: Math.round(reports.reduce((sum, r) => sum + r.messagesIn, 0) / windowS),
    serverBytesOutPerS: Math.round(reports.reduce((sum, r) => sum + r.bytesIn, 0) / windowS),
    serverCpuPercent: processes[0]!.cpuPercent,
    serverRssMB: processes[0]!.rssMB,
    machineBusyPercent: round(((machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total)) * 100),
    generators: generatorFigures,
    generatorLimited: generatorFigures.some((g) => g.cpuPercent > GENERATOR_CPU_LIMIT || g.loopLagP99Ms > GENERATOR_LAG_LIMIT_MS),
    server: processes[0]!.server,
  };
  return { window, processes, reports };
}

async function measure(server: ServerProcess, fleet: Fleet, durationMs: number): Promise<WindowResult> {
  return (await measureWindow([{ name: server.kind, pid: server.pid, server }], fleet.all, durationMs)).window;
}

/** After the authors stopped: waits until every probe has every edit (or `timeoutMs`), returns the
 *  number of (probe, edit) pairs missing. */
async function lostEdits(fleet: Pick<Fleet, 'all'>, timeoutMs: number): Promise<{ lost: number; checked: number; connectMs: Percentiles; connectFailures: number; unexpectedCloses: number }> {
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
  authorsE: number;
  lurkersE: number;
}

const FULL: Scale = {
  lurkers: 1000,
  authorsA: 50,
  warmupMs: 3000,
  windowMs: 20_000,
  rampSteps: [10, 20, 50, 100, 150, 200, 300, 400, 500, 600, 700, 800, 1000, 1200, 1400, 1600],
  rampWindowMs: 8000,
  sessionsC: 20,
  authorsC: 10,
  lurkersC: 100,
  historySizes: [10_000, 100_000],
  authorsE: 50,
  lurkersE: 500,
};

/** How long a full-size scenario may take before it is stopped as saturated (default 200 s): the
 *  ramp of (b) connects up to 1,600 authors, step by step. */
const FULL_RUN_LIMIT_MS: Record<string, number> = { b: 600_000 };

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
  authorsE: 10,
  lurkersE: 50,
};

const PROBES = 2;

interface RunContext {
  options: Options;
  scale: Scale;
  epochMs: number;
  profDir: string;
}

async function startTracked(kind: ServerKind, ctx: RunContext, options: ServerOptions = {}): Promise<ServerProcess> {
  const server = await startServer(kind, { ...(ctx.options.cpuProf ? { cpuProfDir: ctx.profDir } : {}), ...options });
  track(server.child);
  return server;
}

async function stopAndClean(server: ServerProcess): Promise<void> {
  await server.stop('SIGTERM');
  if (server.dataDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
}

async function withServer<T>(kind: ServerKind, ctx: RunContext, run: (server: ServerProcess) => Promise<T>, keepDataDir = false): Promise<T> {
  const server = await startTracked(kind, ctx);
  try {
    return await run(server);
  } finally {
    if (keepDataDir) await server.stop('SIGTERM');
    else await stopAndClean(server);
  }
}

async function withFleet<T>(server: ServerProcess, ctx: RunContext, run: (fleet: Fleet) => Promise<T>, count = ctx.options.generators): Promise<T> {
  const fleet = await startFleet(count, server.collabUrl, ctx.epochMs);
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

/** One session on a fresh server with the scale's lurkers and the probes joined; then `run`. */
function withWatchedSession<T>(kind: ServerKind, ctx: RunContext, session: string, run: (server: ServerProcess, fleet: Fleet) => Promise<T>): Promise<T> {
  return withServer(kind, ctx, async (server) => {
    await createSessions(server, [session]);
    return withFleet(server, ctx, async (fleet) => {
      log(`  ${ctx.scale.lurkers} lurkers, ${PROBES} probes...`);
      await addLurkers(fleet, session, ctx.scale.lurkers);
      await fleet.probe.request({ cmd: 'probes', session, count: PROBES });
      return run(server, fleet);
    });
  });
}

async function scenarioA(kind: ServerKind, ctx: RunContext): Promise<unknown> {
  const { scale } = ctx;
  return withWatchedSession(kind, ctx, 'bench-a', async (server, fleet) => {
    log(`  ${scale.authorsA} authors x 2 edits/s...`);
    await addAuthors(fleet, 'bench-a', scale.authorsA, 2);
    await sleep(scale.warmupMs);
    log(`  measuring ${scale.windowMs / 1000} s...`);
    const window = await measure(server, fleet, scale.windowMs);
    const check = await lostEdits(fleet, 10_000);
    return { ...window, ...check };
  });
}

async function scenarioB(kind: ServerKind, ctx: RunContext): Promise<unknown> {
  const { scale } = ctx;
  return withWatchedSession(kind, ctx, 'bench-b', async (server, fleet) => {
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
      // A step whose load generator was saturated does not count: its figures are not the server's.
      if (window.generatorLimited) {
        stoppedBy = `generator-limited at ${authors} authors (p95 ${window.latencyMs.p95} ms): the load generator, not the server, was the limit`;
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
    const notes = sectionNotes(sections.get(Math.floor(random() * TOPICS.length)) as SectionMap)!;
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
        const server = await startTracked('mcpad', ctx, { dataDir: dir });
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

const SESSION_E = 'bench-e';

type Setup = 'single' | 'cluster';

/** Where clients connect: `near` is the authors' instance, `far` the other one (the same one when single). */
interface Instances {
  near: ServerProcess;
  far: ServerProcess;
  redis: RedisProcess | null;
}

/** Fresh processes for one setup: one embedded mcpad, or redis-server + two mcpad instances sharing it. */
async function withInstances<T>(setup: Setup, ctx: RunContext, run: (instances: Instances) => Promise<T>): Promise<T> {
  const servers: ServerProcess[] = [];
  let redis: RedisProcess | null = null;
  try {
    if (setup === 'single') {
      servers.push(await startTracked('mcpad', ctx));
    } else {
      redis = await startRedisProcess();
      track(redis.child);
      // A fresh redis-server per setup already isolates runs; the prefix also keeps them apart if
      // this ever points at a shared Redis.
      const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `mcpad-bench-${Date.now().toString(36)}:` };
      servers.push(await startTracked('mcpad', ctx, { env }));
      servers.push(await startTracked('mcpad', ctx, { env }));
    }
    return await run({ near: servers[0]!, far: servers.at(-1)!, redis });
  } finally {
    // Instances first: they close their docs into Redis on the way down.
    await Promise.all(servers.map(stopAndClean));
    await redis?.stop();
  }
}

/** Cluster metadata is shared: the far instance knows a session created through the near one
 *  within milliseconds. Returns how long that took. */
async function waitForSession(server: ServerProcess, session: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const response = await fetch(`${server.httpUrl}/api/sessions/${session}`).catch(() => null);
    await response?.body?.cancel();
    if (response?.status === 200) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${server.httpUrl} does not know session ${session} after ${timeoutMs} ms (last status ${response?.status})`);
    await sleep(5);
  }
}

async function clusterSetup(setup: Setup, ctx: RunContext): Promise<unknown> {
  log(` ${setup === 'single' ? 'single: one instance, no Redis' : 'cluster: redis-server + two instances'}`);
  return withInstances(setup, ctx, async (instances) => {
    const { near, far } = instances;
    await createSessions(near, [SESSION_E]);
    const sessionVisibleMs = far === near ? null : await waitForSession(far, SESSION_E, 10_000);
    // The same generator processes in both setups, so that only the server side differs: load
    // generators on each side, and one probe process per side.
    const [nearCount, farCount] = split(Math.max(2, ctx.options.generators), 2) as [number, number];
    const result = await withFleet(near, ctx, (nearFleet) => withFleet(far, ctx, (farFleet) => loadBothSides(instances, nearFleet, farFleet, ctx), farCount), nearCount);
    const { sameInstance, crossInstance } = result.latencyMs;
    log(`  same instance p50/p99 ${sameInstance.p50}/${sameInstance.p99} ms, cross instance ${crossInstance.p50}/${crossInstance.p99} ms, lost ${result.lost} of ${result.checked}`);
    return { ...result, sessionVisibleOnFarInstanceMs: sessionVisibleMs };
  });
}

/** Authors on the near side, lurkers split, probes on both sides; one window, then the lost-edit check. */
async function loadBothSides({ near, far, redis }: Instances, nearFleet: Fleet, farFleet: Fleet, ctx: RunContext) {
  const { scale } = ctx;
  const [nearLurkers, farLurkers] = split(scale.lurkersE, 2) as [number, number];
  log(`  ${nearLurkers} + ${farLurkers} lurkers, ${PROBES} + ${PROBES} probes...`);
  await addLurkers(nearFleet, SESSION_E, nearLurkers);
  await addLurkers(farFleet, SESSION_E, farLurkers);
  await nearFleet.probe.request({ cmd: 'probes', session: SESSION_E, count: PROBES });
  await farFleet.probe.request({ cmd: 'probes', session: SESSION_E, count: PROBES });
  log(`  ${scale.authorsE} authors x 2 edits/s on the first instance...`);
  await addAuthors(nearFleet, SESSION_E, scale.authorsE, 2);
  await sleep(scale.warmupMs);
  log(`  measuring ${scale.windowMs / 1000} s...`);
  const watched: Watched[] = [
    { name: 'mcpad 1', pid: near.pid, server: near },
    ...(far === near ? [] : [{ name: 'mcpad 2', pid: far.pid, server: far }]),
    ...(redis ? [{ name: 'redis-server', pid: redis.pid }] : []),
  ];
  const generators = [...nearFleet.all, ...farFleet.all];
  const { window, processes, reports } = await measureWindow(watched, generators, scale.windowMs);
  const latencyAt = (probe: LoadGenerator): Percentiles => roundAll(percentiles(reports[generators.indexOf(probe)]!.latenciesMs));
  const check = await lostEdits({ all: generators }, 10_000);
  return {
    instances: far === near ? 1 : 2,
    authors: scale.authorsE,
    lurkers: [nearLurkers, farLurkers],
    windowS: window.windowS,
    editsSent: window.editsSent,
    editsPerS: window.editsPerS,
    latencyMs: { sameInstance: latencyAt(nearFleet.probe), crossInstance: latencyAt(farFleet.probe) },
    processes,
    machineBusyPercent: window.machineBusyPercent,
    generators: window.generators,
    generatorLimited: window.generatorLimited,
    ...check,
  };
}

async function scenarioE(kind: ServerKind, ctx: RunContext): Promise<unknown> {
  if (kind !== 'mcpad') return { skipped: 'no cluster mode' };
  return { single: await clusterSetup('single', ctx), cluster: await clusterSetup('cluster', ctx) };
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
  if (['a', 'b', 'c', 'd'].some((key) => results[key])) out.push('| metric | mcpad | reference |', '|---|---|---|');
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
  const e = results.e;
  if (e) out.push('', clusterTable(e, quick));
  return out.join('\n');
}

/** Scenario (e) in its own tables: its columns are setups and probe sides, not servers. */
function clusterTable(e: Partial<Record<ServerKind, any>>, quick: boolean): string {
  const m = e.mcpad;
  const load = m?.single ? `${m.single.authors} authors × 2/s on instance 1, ${m.single.lurkers.join(' + ')} lurkers` : 'authors × 2/s on instance 1, lurkers split';
  const out = [`**(e) cluster: 1 session, ${load}, ${PROBES} + ${PROBES} probes${quick ? ' (--quick: scaled down)' : ''}**`, ''];
  if (!m) return [...out, `not run against mcpad${e.reference?.skipped ? `; reference: ${e.reference.skipped}` : ''}`].join('\n');
  if (m.error) return [...out, `failed: ${m.error}`].join('\n');
  const setups: [string, string, any][] = [
    ['single (1 instance, no Redis)', 'single', m.single],
    ['cluster (2 instances + Redis)', 'cluster', m.cluster],
  ];
  const latency = (p: Percentiles): string => `${p.p50} / ${p.p95} / ${p.p99} / ${p.max} | ${p.n}`;
  out.push('| setup | probes | edit latency ms p50 / p95 / p99 / max | samples |', '|---|---|---|---|');
  for (const [title, , r] of setups) {
    out.push(`| ${title} | same instance as the authors | ${latency(r.latencyMs.sameInstance)} |`);
    out.push(`| ${title} | ${r.instances === 1 ? 'other probe process, same instance' : 'cross instance (1 → Redis → 2)'} | ${latency(r.latencyMs.crossInstance)} |`);
  }
  out.push(
    '',
    '| setup | edits sent/s | edits not at every probe 10 s after the authors stopped (of checked) | connect ms p50 / max, failed / dropped | CPU % of a core / max RSS MB | instance 1 store write mean ms (% > 1 ms): disk, or XADD in cluster | generators CPU % (lag p99 ms) | machine busy % (2 cores) |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const [, name, r] of setups) {
    const processes = r.processes.map((p: ProcessUsage) => `${p.name}: ${p.cpuPercent} / ${p.rssMB}`).join(', ');
    const generators = r.generators.map((g: any) => `${g.cpuPercent} (${g.loopLagP99Ms})`).join(', ') + (r.generatorLimited ? ' LIMITED' : '');
    const writes = r.processes[0].server;
    const storeWrite = writes ? `${writes.storeWriteMeanMs} (${writes.storeWritesOver1msPercent} %)` : '–';
    out.push(`| ${name} | ${r.editsPerS} | ${r.lost} (of ${r.checked}) | ${r.connectMs.p50} / ${r.connectMs.max}, ${r.connectFailures} / ${r.unexpectedCloses} | ${processes} | ${storeWrite} | ${generators} | ${r.machineBusyPercent} |`);
  }
  if (m.cluster.sessionVisibleOnFarInstanceMs !== null) out.push('', `A session created through instance 1 was served by instance 2 after ${m.cluster.sessionVisibleOnFarInstanceMs} ms.`);
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
  const scenarios: Record<string, (kind: ServerKind, ctx: RunContext) => Promise<unknown>> = { a: scenarioA, b: scenarioB, c: scenarioC, d: scenarioD, e: scenarioE };
  const results: Results = {};
  for (const name of options.scenarios) {
    const scenario = scenarios[name];
    if (!scenario) throw new Error(`unknown scenario ${name}`);
    results[name] = {};
    for (const kind of options.servers) {
      log(`scenario (${name}) against ${kind}`);
      try {
        const limitMs = options.quick ? 60_000 : (FULL_RUN_LIMIT_MS[name] ?? 200_000);
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
