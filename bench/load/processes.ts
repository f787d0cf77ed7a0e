/**
 * Every process the bench starts (servers, redis-server, load generators) is tracked, so a
 * scenario that times out or a stopped bench kills them all; servers are fresh per scenario.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { startServer, type ServerKind, type ServerOptions, type ServerProcess } from '../servers.ts';
import type { RunContext } from './options.ts';

/** Every child process still running, killed when a scenario times out or the bench is stopped. */
const liveChildren = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
}

export function killAll(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

export async function startTracked(kind: ServerKind, ctx: RunContext, options: ServerOptions = {}): Promise<ServerProcess> {
  const server = await startServer(kind, { ...(ctx.options.cpuProf ? { cpuProfDir: ctx.profDir } : {}), ...options });
  track(server.child);
  return server;
}

export async function stopAndClean(server: ServerProcess): Promise<void> {
  await server.stop('SIGTERM');
  if (server.dataDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
}

export async function withServer<T>(kind: ServerKind, ctx: RunContext, run: (server: ServerProcess) => Promise<T>, keepDataDir = false): Promise<T> {
  const server = await startTracked(kind, ctx);
  try {
    return await run(server);
  } finally {
    if (keepDataDir) await server.stop('SIGTERM');
    else await stopAndClean(server);
  }
}
