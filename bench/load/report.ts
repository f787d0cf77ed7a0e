/**
 * The comparison table printed at the end of `npm run bench` (Markdown, as pasted into
 * docs): one column per server for (a) to (d), and scenario (e) in tables of its own.
 */
import type { ServerKind } from '../servers.ts';
import type { Percentiles, ProcessUsage, WindowResult } from './measure.ts';
import { PROBES } from './options.ts';
import { failed, type ByServer, type HistoryOutcome, type RampOutcome, type Results, type SetupOutcome, type WindowOutcome } from './results.ts';
import { round } from './util.ts';

type Metric<T> = [name: string, get: (result: T) => unknown];

const cell = (v: unknown): string => (v === undefined || v === null || Number.isNaN(v) ? '–' : String(v));

/** A metric of a result; undefined when the run failed or the figure is missing. */
function valueOf<T extends object>(result: T | { error: string } | undefined, get: (result: T) => unknown): unknown {
  if (!result || failed(result)) return undefined;
  try {
    return get(result);
  } catch {
    return undefined;
  }
}

function section<T extends object>(out: string[], title: string, byServer: ByServer<T> | undefined, metrics: Metric<T>[], quick: boolean): void {
  if (!byServer) return;
  const { mcpad, reference } = byServer;
  out.push(`| **${title}${quick ? ' (--quick: scaled down)' : ''}** | | |`);
  if (failed(mcpad) || failed(reference)) {
    out.push(`| failed | ${cell(failed(mcpad) ? mcpad.error : undefined)} | ${cell(failed(reference) ? reference.error : undefined)} |`);
  }
  for (const [name, get] of metrics) out.push(`| ${name} | ${cell(valueOf(mcpad, get))} | ${cell(valueOf(reference, get))} |`);
}

const generatorsCell = (r: Pick<WindowResult, 'generators' | 'generatorLimited'>): string =>
  r.generators.map((g) => `${g.cpuPercent} (${g.loopLagP99Ms})`).join(', ') + (r.generatorLimited ? ' LIMITED' : '');

const WINDOW_METRICS: Metric<WindowOutcome>[] = [
  ['connect ms p50 / p95 / max', (r) => `${r.connectMs.p50} / ${r.connectMs.p95} / ${r.connectMs.max}`],
  ['connections failed (10 s timeout) / dropped', (r) => `${r.connectFailures} / ${r.unexpectedCloses}`],
  ['edits sent/s (in window)', (r) => r.editsPerS],
  ['edits not at every probe 10 s after the authors stopped (of checked)', (r) => `${r.lost} (of ${r.checked})`],
  ['latency ms p50 / p95 / p99 / max', (r) => `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max}`],
  ['server messages out/s', (r) => r.serverMessagesOutPerS],
  ['server MB out/s', (r) => round(r.serverBytesOutPerS / 1e6)],
  ['server CPU % of a core', (r) => r.serverCpuPercent],
  ['server RSS MB (max)', (r) => r.serverRssMB],
  ['generators CPU % (lag p99 ms)', generatorsCell],
  ['machine busy % (2 cores)', (r) => r.machineBusyPercent],
  ['mcpad /metrics: store write mean ms (% > 1 ms)', (r) => (r.server ? `${r.server['storeWriteMeanMs']} (${r.server['storeWritesOver1msPercent']} %)` : undefined)],
  ['mcpad /metrics: flushes/s, updates per flush', (r) => (r.server ? `${r.server['flushesPerS']}, ${r.server['updatesPerFlush']}` : undefined)],
  ['mcpad /metrics: event-loop lag p99 ms', (r) => r.server?.['eventLoopLagP99Ms']],
];

const RAMP_METRICS: Metric<RampOutcome>[] = [
  ['authors with p95 ≤ 150 ms', (r) => r.authorsAtP95Under150],
  ['stopped by', (r) => r.stoppedBy],
  ['p95 ms per step (authors: p95)', (r) => r.steps.map((s) => `${s.authors}: ${s.latencyMs.p95}`).join(', ')],
  ['server CPU % per step', (r) => r.steps.map((s) => `${s.authors}: ${s.serverCpuPercent}`).join(', ')],
  ['generator-limited steps', (r) => r.steps.filter((s) => s.generatorLimited).map((s) => s.authors).join(', ') || 'none'],
  ['edits not at every probe 10 s after the authors stopped (of checked)', (r) => `${r.lost} (of ${r.checked})`],
];

/** Scenario (d): rows per history size. */
function historyRows(out: string[], d: ByServer<HistoryOutcome>): void {
  const ok = (r: ByServer<HistoryOutcome>[ServerKind]): HistoryOutcome | undefined => (r && !failed(r) ? r : undefined);
  const mcpad = ok(d.mcpad);
  const reference = ok(d.reference);
  out.push('| **(d) fresh client sync of a long history** | | |');
  for (const size of Object.keys((d.mcpad ?? d.reference) as object)) {
    const m = mcpad?.[size];
    const r = reference?.[size];
    out.push(`| ${size} edits: step 1 → step 2 ms, first fresh client after the writes | ${cell(m?.warmFirst?.answerMs)} | ${cell(r?.warmFirst?.answerMs)} |`);
    out.push(`| ${size} edits: step 1 → step 2 ms, next fresh client (doc idle) | ${cell(m?.warm?.answerMs)} | ${cell(r?.warm?.answerMs)} |`);
    out.push(`| ${size} edits: connect → synced ms, warm | ${cell(m?.warm?.syncedMs)} | ${cell(r?.warm?.syncedMs)} |`);
    out.push(`| ${size} edits: step 2 ms / synced ms, cold from log (kill -9) | ${m ? `${m.coldFromLog?.answerMs} / ${m.coldFromLog?.syncedMs}` : '–'} | n/a (in memory) |`);
    out.push(`| ${size} edits: step 2 ms / synced ms, cold from snapshot | ${m ? `${m.coldFromSnapshot?.answerMs} / ${m.coldFromSnapshot?.syncedMs}` : '–'} | n/a |`);
    out.push(`| ${size} edits: state bytes (step 2) | ${cell(m?.warm?.step2Bytes)} | ${cell(r?.warm?.step2Bytes)} |`);
    out.push(`| ${size} edits: bytes on disk, log / snapshot | ${m ? `${m.diskBytesLog} / ${m.diskBytesSnapshot}` : '–'} | n/a |`);
  }
}

export function table(results: Results, quick: boolean): string {
  const out: string[] = [];
  if (results.a || results.b || results.c || results.d) out.push('| metric | mcpad | reference |', '|---|---|---|');
  section(out, '(a) 1 session, 50 authors × 2/s + 1,000 lurkers', results.a, WINDOW_METRICS, quick);
  section(out, '(b) ramp at 4 edits/s + cursor, 1,000 lurkers', results.b, RAMP_METRICS, quick);
  section(out, '(c) 20 sessions × (10 authors × 2/s + 100 lurkers)', results.c, WINDOW_METRICS, quick);
  if (results.d) historyRows(out, results.d);
  if (results.e) out.push('', clusterTable(results.e, quick));
  return out.join('\n');
}

/** Scenario (e) in its own tables: its columns are setups and probe sides, not servers. */
function clusterTable(e: NonNullable<Results['e']>, quick: boolean): string {
  const m = e.mcpad;
  const single = m && !failed(m) && 'single' in m ? m.single : null;
  const load = single ? `${single.authors} authors × 2/s on instance 1, ${single.lurkers.join(' + ')} lurkers` : 'authors × 2/s on instance 1, lurkers split';
  const out = [`**(e) cluster: 1 session, ${load}, ${PROBES} + ${PROBES} probes${quick ? ' (--quick: scaled down)' : ''}**`, ''];
  const reference = e.reference && !failed(e.reference) && 'skipped' in e.reference ? e.reference.skipped : null;
  if (!m) return [...out, `not run against mcpad${reference ? `; reference: ${reference}` : ''}`].join('\n');
  if (failed(m)) return [...out, `failed: ${m.error}`].join('\n');
  if ('skipped' in m) return [...out, `skipped: ${m.skipped}`].join('\n');
  const setups: [string, string, SetupOutcome][] = [
    ['single (1 instance, no Redis)', 'single', m.single],
    ['cluster (2 instances + Redis)', 'cluster', m.cluster],
  ];
  out.push(...latencyTable(setups), '', ...loadTable(setups));
  if (m.cluster.sessionVisibleOnFarInstanceMs !== null) out.push('', `A session created through instance 1 was served by instance 2 after ${m.cluster.sessionVisibleOnFarInstanceMs} ms.`);
  return out.join('\n');
}

function latencyTable(setups: [string, string, SetupOutcome][]): string[] {
  const latency = (p: Percentiles): string => `${p.p50} / ${p.p95} / ${p.p99} / ${p.max} | ${p.n}`;
  const out = ['| setup | probes | edit latency ms p50 / p95 / p99 / max | samples |', '|---|---|---|---|'];
  for (const [title, , r] of setups) {
    out.push(`| ${title} | same instance as the authors | ${latency(r.latencyMs.sameInstance)} |`);
    out.push(`| ${title} | ${r.instances === 1 ? 'other probe process, same instance' : 'cross instance (1 → Redis → 2)'} | ${latency(r.latencyMs.crossInstance)} |`);
  }
  return out;
}

function loadTable(setups: [string, string, SetupOutcome][]): string[] {
  const out = [
    '| setup | edits sent/s | edits not at every probe 10 s after the authors stopped (of checked) | connect ms p50 / max, failed / dropped | CPU % of a core / max RSS MB | instance 1 store write mean ms (% > 1 ms): disk, or XADD in cluster | generators CPU % (lag p99 ms) | machine busy % (2 cores) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [, name, r] of setups) {
    const processes = r.processes.map((p: ProcessUsage) => `${p.name}: ${p.cpuPercent} / ${p.rssMB}`).join(', ');
    const writes = r.processes[0]!.server;
    const storeWrite = writes ? `${writes['storeWriteMeanMs']} (${writes['storeWritesOver1msPercent']} %)` : '–';
    out.push(`| ${name} | ${r.editsPerS} | ${r.lost} (of ${r.checked}) | ${r.connectMs.p50} / ${r.connectMs.max}, ${r.connectFailures} / ${r.unexpectedCloses} | ${processes} | ${storeWrite} | ${generatorsCell(r)} | ${r.machineBusyPercent} |`);
  }
  return out;
}
