/** Scenario (a): 1 session, 50 authors × 2 edits/s + 1,000 lurkers; one window of load. */
import type { ServerKind } from '../../servers.ts';
import { addAuthors } from '../fleet.ts';
import { lostEdits, measure } from '../measure.ts';
import type { RunContext } from '../options.ts';
import type { WindowOutcome } from '../results.ts';
import { log, sleep } from '../util.ts';
import { withWatchedSession } from './watched-session.ts';

export async function scenarioA(kind: ServerKind, ctx: RunContext): Promise<WindowOutcome> {
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
