/**
 * The servers under test, each started as its own process on 127.0.0.1:
 *  - mcpad: `node dist/main.mjs` (the bundle `npm start` runs), a temp DATA_DIR, durability on;
 *  - reference: @y/websocket-server 0.1.1 (`npm i -D y-websocket-server-ref@npm:@y/websocket-server@0.1.1`,
 *    the last release on the stable yjs 13 line), its stock `src/server.js`, in memory.
 *  - for scenario (e), a redis-server (the Debian package) that mcpad instances share in cluster mode.
 * All are sampled through /proc/<pid>/stat for CPU and RSS.
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

async function waitUntil(check: () => Promise<boolean>, failure: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${failure} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Redis accepts connections while it is still loading its AOF; PONG means it serves commands. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
  });
}

/** Resolves once `ready` does, rejects with the process's output if it exits first (and kills it on failure). */
async function readyOrExited(child: ChildProcess, ready: Promise<void>, name: string, output: () => string): Promise<void> {
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', () => reject(new Error(`${name} exited before it was ready:\n${output()}`))),
  );
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

function captureOutput(child: ChildProcess): () => string {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

/** Sends `signal` and waits for the exit; SIGKILL if it takes longer than 15 s. */
async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
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
        // (Connections × MAX_BUFFERED_BYTES must fit MAX_BUFFERED_BYTES_PER_IP, at most 1 TiB.)
        MAX_CONNECTIONS_PER_IP: '100000',
        MAX_BUFFERED_BYTES_PER_IP: String(1024 ** 4),
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
  const output = captureOutput(child);
  await readyOrExited(child, waitUntil(() => acceptsConnections(port), `nothing listens on ${port}`, 30_000), `${kind} server`, output);
  return {
    kind,
    child,
    pid: child.pid!,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    collabUrl: `ws://127.0.0.1:${port}/collab`,
    dataDir,
    output,
    stop: (signal = 'SIGTERM') => stopProcess(child, signal),
  };
}

const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  /** SIGTERM (Redis flushes its AOF), wait for the exit, remove its temp dir. */
  stop(): Promise<void>;
}

/** A redis-server on a free port with its own temp dir, persisting as the deployment guide
 *  documents for production (AOF fsynced every second, no eviction; no RDB snapshots), so the bench measures
 *  the write path a real cluster has. */
export async function startRedisProcess(): Promise<RedisProcess> {
  if (!fs.existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} not found: scenario (e) needs the Debian redis-server package (apt-get install redis-server)`);
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpad-bench-redis-'));
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = captureOutput(child);
  try {
    await readyOrExited(child, waitUntil(() => answersPing(port), `redis-server on ${port} does not answer PING`, 10_000), 'redis-server', output);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    child,
    pid: child.pid!,
    url: `redis://127.0.0.1:${port}`,
    output,
    async stop() {
      await stopProcess(child, 'SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
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
