/**
 * Measuring a window of load: edit latency at the probes, CPU and RSS of the watched processes,
 * mcpad's own GET /metrics, and afterwards whether every probe got every edit.
 */
import type { GeneratorReport } from '../generator.ts';
import { machineCpu, sampleProcess, type ServerProcess } from '../servers.ts';
import type { Fleet, LoadGenerator } from './fleet.ts';
import { round, roundAll, sleep } from './util.ts';

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

export interface WindowResult {
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
export interface Watched {
  name: string;
  pid: number;
  server?: ServerProcess;
}

export interface ProcessUsage {
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

export interface WindowDetail {
  /** The figures of scenarios (a) to (c); its server fields are the first watched process's. */
  window: WindowResult;
  processes: ProcessUsage[];
  /** Per generator, in the order given. */
  reports: GeneratorReport[];
}

export async function measureWindow(watched: Watched[], generators: LoadGenerator[], durationMs: number): Promise<WindowDetail> {
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

export async function measure(server: ServerProcess, fleet: Fleet, durationMs: number): Promise<WindowResult> {
  return (await measureWindow([{ name: server.kind, pid: server.pid, server }], fleet.all, durationMs)).window;
}

/** Whether every probe got every edit, and how the connections went. */
export interface LostEdits {
  /** (probe, edit) pairs missing when the check ended. */
  lost: number;
  checked: number;
  connectMs: Percentiles;
  connectFailures: number;
  unexpectedCloses: number;
}

/** After the authors stopped: waits until every probe has every edit (or `timeoutMs`), returns the
 *  number of (probe, edit) pairs missing. */
export async function lostEdits(fleet: Pick<Fleet, 'all'>, timeoutMs: number): Promise<LostEdits> {
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
