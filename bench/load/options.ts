/**
 * The load benchmark's command line (`npm run bench -- --help`) and the scale of its loads: full
 * size, or `--quick` for a run under a minute.
 */
import type { ServerKind } from '../servers.ts';

export interface Options {
  quick: boolean;
  servers: ServerKind[];
  scenarios: string[];
  generators: number;
  cpuProf: boolean;
  windowS: number | null;
  steps: number[] | null;
}

export function parseArgs(argv: string[]): Options {
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

/** Sizes of each scenario's load (the letter in a name is the scenario's). */
export interface Scale {
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

export const FULL: Scale = {
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
export const FULL_RUN_LIMIT_MS: Record<string, number> = { b: 600_000 };

export const QUICK: Scale = {
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

/** Probe clients per session (per instance in (e)): they measure latency and check for lost edits. */
export const PROBES = 2;

export interface RunContext {
  options: Options;
  scale: Scale;
  /** Time origin shared with the generators: edit tokens carry their send time relative to it. */
  epochMs: number;
  /** Where --cpu-prof writes the servers' V8 profiles. */
  profDir: string;
}
