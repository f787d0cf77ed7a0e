/** Scenario (c): 20 sessions × (10 authors × 2 edits/s + 100 lurkers); one window of load. */
import type { ServerKind } from '../../servers.ts';
import { addAuthors, addLurkers, withFleet } from '../fleet.ts';
import { lostEdits, measure } from '../measure.ts';
import type { RunContext } from '../options.ts';
import { withServer } from '../processes.ts';
import type { WindowOutcome } from '../results.ts';
import { createSessions } from '../sessions.ts';
import { log, sleep } from '../util.ts';

export async function scenarioC(kind: ServerKind, ctx: RunContext): Promise<WindowOutcome> {
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
