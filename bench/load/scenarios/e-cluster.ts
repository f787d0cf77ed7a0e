/**
 * Scenario (e), mcpad only (needs redis-server): 1 session, authors on one instance, lurkers and
 * probes on both; run on one instance, then on two sharing a redis-server, to compare edit latency
 * on the authors' instance with the other one's.
 */
import { startRedisProcess, type RedisProcess, type ServerKind, type ServerProcess } from '../../servers.ts';
import { addAuthors, addLurkers, withFleet, type Fleet, type LoadGenerator } from '../fleet.ts';
import { lostEdits, measureWindow, percentiles, type Percentiles, type Watched } from '../measure.ts';
import { PROBES, type RunContext } from '../options.ts';
import { startTracked, stopAndClean, track } from '../processes.ts';
import type { ClusterOutcome, SetupOutcome } from '../results.ts';
import { createSessions } from '../sessions.ts';
import { log, roundAll, sleep, split } from '../util.ts';

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

async function clusterSetup(setup: Setup, ctx: RunContext): Promise<SetupOutcome> {
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
async function loadBothSides({ near, far, redis }: Instances, nearFleet: Fleet, farFleet: Fleet, ctx: RunContext): Promise<Omit<SetupOutcome, 'sessionVisibleOnFarInstanceMs'>> {
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

export async function scenarioE(kind: ServerKind, ctx: RunContext): Promise<ClusterOutcome> {
  if (kind !== 'mcpad') return { skipped: 'no cluster mode' };
  return { single: await clusterSetup('single', ctx), cluster: await clusterSetup('cluster', ctx) };
}
