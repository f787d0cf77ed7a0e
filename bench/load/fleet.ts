/**
 * The load generators (bench/generator.ts), each a forked process driven over IPC: lurkers and
 * authors shared out over `load`, probes in a process of their own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config.ts';
import type { GeneratorCommand } from '../generator.ts';
import type { ServerProcess } from '../servers.ts';
import type { RunContext } from './options.ts';
import { track } from './processes.ts';
import { TOPICS } from './sessions.ts';
import { sleep, split } from './util.ts';

export class LoadGenerator {
  readonly child: ChildProcess;
  #next = 0;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(path.join(PROJECT_ROOT, 'bench', 'generator.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    track(this.child);
    // A send racing the child's death reports here; the 'exit' handler fails what was pending.
    this.child.on('error', () => undefined);
    this.child.on('exit', () => {
      for (const pending of this.#pending.values()) pending.reject(new Error('load generator exited'));
      this.#pending.clear();
    });
    this.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) pending.reject(new Error(message.error));
      else pending.resolve(message.result);
    });
  }

  request<T = null>(command: GeneratorCommand): Promise<T> {
    // Killed by a scenario timeout: fail the request rather than throw from send().
    if (!this.child.connected) return Promise.reject(new Error('load generator exited'));
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.on('exit', () => resolve()));
    await this.request({ cmd: 'close' }).catch(() => undefined);
    await Promise.race([exited, sleep(2000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export interface Fleet {
  /** Lurkers and authors, shared out evenly. */
  load: LoadGenerator[];
  /** Probes get their own process so that their latency is not the lurkers' queueing. */
  probe: LoadGenerator;
  all: LoadGenerator[];
}

export async function startFleet(count: number, collabUrl: string, epochMs: number): Promise<Fleet> {
  const load = Array.from({ length: count }, () => new LoadGenerator());
  const probe = new LoadGenerator();
  const all = [...load, probe];
  await Promise.all(all.map((g) => g.request({ cmd: 'init', collabUrl, epochMs })));
  return { load, probe, all };
}

export async function withFleet<T>(server: ServerProcess, ctx: RunContext, run: (fleet: Fleet) => Promise<T>, count = ctx.options.generators): Promise<T> {
  const fleet = await startFleet(count, server.collabUrl, ctx.epochMs);
  try {
    return await run(fleet);
  } finally {
    await Promise.all(fleet.all.map((g) => g.close()));
  }
}

export async function addLurkers(fleet: Fleet, session: string, count: number): Promise<void> {
  await Promise.all(split(count, fleet.load.length).map((n, i) => (n > 0 ? fleet.load[i]!.request({ cmd: 'lurkers', session, count: n }) : null)));
}

let nextAuthor = 1;
export async function addAuthors(fleet: Fleet, session: string, count: number, ratePerSec: number): Promise<void> {
  await Promise.all(
    split(count, fleet.load.length).map((n, i) => {
      if (n === 0) return null;
      const firstAuthor = nextAuthor;
      nextAuthor += n;
      return fleet.load[i]!.request({ cmd: 'authors', session, topics: TOPICS, count: n, ratePerSec, firstAuthor });
    }),
  );
}
