/**
 * The servers under test, each started as its own process on 127.0.0.1:
 *  - mcpad: `node dist/main.mjs` (the bundle `npm start` runs), a temp DATA_DIR, durability on;
 *  - reference: @y/websocket-server 0.1.1 (`npm i -D y-websocket-server-ref@npm:@y/websocket-server@0.1.1`,
 *    the last release on the stable yjs 13 line), its stock `src/server.js`, in memory.
 * Both are sampled through /proc/<pid>/stat for CPU and RSS.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/config.ts';

export type ServerKind = 'mcpad' | 'reference';

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export interface ServerProcess {
  kind: ServerKind;
  child: ChildProcess;
  pid: number;
  port: number;
  httpUrl: string;
  collabUrl: string;
  dataDir: string | null;
  output(): string;
  /** SIGTERM (graceful) or SIGKILL, and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerOptions {
  /** Reuse a data dir (mcpad restarts). */
  dataDir?: string;
  /** Write a V8 CPU profile into this folder when the process exits. */
  cpuProfDir?: string;
  env?: Record<string, string>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let bundleBuilt = false;

export async function startServer(kind: ServerKind, options: ServerOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const profArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  let child: ChildProcess;
  let dataDir: string | null = null;
  if (kind === 'mcpad') {
    dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mcpad-bench-'));
    // What `npm start` runs: the esbuild bundle of the server, rebuilt from the sources once per
    // bench process (it takes well under a second) so a stale bundle is never measured.
    const bundle = path.join(PROJECT_ROOT, 'dist', 'main.mjs');
    if (!bundleBuilt) {
      execFileSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'build-server.sh')], { stdio: 'inherit' });
      bundleBuilt = true;
    }
    child = spawn(process.execPath, [...profArgs, bundle], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        SEED_DIR: 'none',
        ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        // Every load-generator connection comes from 127.0.0.1, and scenario (d) writes a long
        // history as fast as it can: the bench measures throughput, not the abuse limits.
        MAX_CONNECTIONS_PER_IP: '1000000',
        MAX_MESSAGES_PER_SECOND: '1000000',
        MAX_BYTES_PER_SECOND: String(1024 ** 3),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    const script = path.join(PROJECT_ROOT, 'node_modules', 'y-websocket-server-ref', 'src', 'server.js');
    child = spawn(process.execPath, [...profArgs, script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(port, 30_000),
      exited.then(() => {
        throw new Error(`${kind} server exited before listening:\n${output}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    kind,
    child,
    pid: child.pid!,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    collabUrl: `ws://127.0.0.1:${port}/collab`,
    dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ProcSample {
  atMs: number;
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU time (user + system) and RSS of a process, from /proc/<pid>/stat. */
export function sampleProcess(pid: number): ProcSample | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the parenthesised command name (which may contain spaces).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { atMs: Date.now(), cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, rssBytes: rssPages * PAGE_BYTES };
}

/** Busy fraction of all CPUs between two readings of /proc/stat (how loaded the machine is). */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Bytes of every file under `dir`. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
}
