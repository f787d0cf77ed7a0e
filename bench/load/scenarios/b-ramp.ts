/** Scenario (b): 1 session, 1,000 lurkers, authors at 4 edits/s (+ cursor) ramped until p95 > 150 ms. */
import type { ServerKind } from '../../servers.ts';
import { addAuthors } from '../fleet.ts';
import { lostEdits, measure } from '../measure.ts';
import type { RunContext } from '../options.ts';
import type { RampOutcome } from '../results.ts';
import { log, sleep } from '../util.ts';
import { withWatchedSession } from './watched-session.ts';

export async function scenarioB(kind: ServerKind, ctx: RunContext): Promise<RampOutcome> {
  const { scale } = ctx;
  return withWatchedSession(kind, ctx, 'bench-b', async (server, fleet) => {
    const steps: RampOutcome['steps'] = [];
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
