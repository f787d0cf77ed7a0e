/** The setup scenarios (a) and (b) share: one session, lurkers and probes, on a fresh server. */
import type { ServerKind, ServerProcess } from '../../servers.ts';
import { addLurkers, withFleet, type Fleet } from '../fleet.ts';
import { PROBES, type RunContext } from '../options.ts';
import { withServer } from '../processes.ts';
import { createSessions } from '../sessions.ts';
import { log } from '../util.ts';

/** One session on a fresh server with the scale's lurkers and the probes joined; then `run`. */
export function withWatchedSession<T>(kind: ServerKind, ctx: RunContext, session: string, run: (server: ServerProcess, fleet: Fleet) => Promise<T>): Promise<T> {
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
