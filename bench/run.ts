/**
 * `npm run bench [-- --quick] [--server mcpad|reference|both] [--scenario a,b,c,d,e] [--generators N]
 * [--cpu-prof]`: the load benchmark of issue #7. Starts each server as its own process (fresh for
 * every scenario), drives it from forked load-generator processes over real WebSockets on
 * 127.0.0.1, prints progress and a comparison table, and writes JSON to bench/results/.
 * Scenario (e) (issue #8, mcpad only, needs redis-server) compares one instance with two sharing
 * a Redis: edit latency on the authors' instance and on the other one.
 *
 * This file is the command line; the parts live in bench/load/: options (flags and scales), fleet
 * (load-generator processes), measure (latency, CPU, /metrics), scenarios/ (one file each),
 * results (their types) and report (the tables).
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/config.ts';
import { FULL, FULL_RUN_LIMIT_MS, parseArgs, QUICK, type Options, type RunContext, type Scale } from './load/options.ts';
import { killAll } from './load/processes.ts';
import { table } from './load/report.ts';
import type { Results } from './load/results.ts';
import { isScenarioName, SCENARIOS, type ScenarioName } from './load/scenarios/index.ts';
import { log, round } from './load/util.ts';
import type { ServerKind } from './servers.ts';
import { nowMs } from './wire.ts';

function scaleOf(options: Options): Scale {
  return {
    ...(options.quick ? QUICK : FULL),
    ...(options.windowS ? { windowMs: options.windowS * 1000 } : {}),
    ...(options.steps ? { rampSteps: options.steps } : {}),
  };
}

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: PROJECT_ROOT }).toString().trim();
  } catch {
    return 'unknown'; // not a git checkout
  }
}

/** Runs one scenario against one server, stopped (every process killed) once it takes too long. */
async function runOne(name: ScenarioName, kind: ServerKind, ctx: RunContext): Promise<unknown> {
  const limitMs = ctx.options.quick ? 60_000 : (FULL_RUN_LIMIT_MS[name] ?? 200_000);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // A saturated server (or generator) never gets through the scenario: stop everything.
      killAll();
      reject(new Error(`timed out after ${limitMs / 1000} s (server or load generator saturated); processes killed`));
    }, limitMs);
  });
  try {
    return await Promise.race([SCENARIOS[name](kind, ctx), timeout]);
  } catch (error) {
    log(`  failed: ${(error as Error).message}`);
    return { error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

async function runAll(ctx: RunContext): Promise<Results> {
  const results: Record<string, Record<string, unknown>> = {};
  for (const name of ctx.options.scenarios) {
    if (!isScenarioName(name)) throw new Error(`unknown scenario ${name}`);
    results[name] = {};
    for (const kind of ctx.options.servers) {
      log(`scenario (${name}) against ${kind}`);
      results[name]![kind] = await runOne(name, kind, ctx);
    }
  }
  return results as Results;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(PROJECT_ROOT, 'bench', 'results');
  const profDir = path.join(resultsDir, 'prof', stamp);
  fs.mkdirSync(resultsDir, { recursive: true });
  const ctx: RunContext = { options, scale: scaleOf(options), epochMs: Math.floor(nowMs()), profDir };
  const started = Date.now();
  const commit = gitCommit();
  const loadBefore = os.loadavg();
  log(`mcpad bench (${options.quick ? 'quick' : 'full'}) at ${commit}: servers ${options.servers.join(', ')}, scenarios ${options.scenarios.join(', ')}, ${options.generators} load generators + 1 probe process; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  const results = await runAll(ctx);
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
