/**
 * A real redis-server for cluster tests: its own free port and temp dir, append-only persistence
 * as the deployment guide asks (appendfsync always, so a restart loses nothing), and restart/stop
 * for fault tests. Needs the Debian `redis-server` package (scripts/ensure-system-deps.sh).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { makeTempDir } from './server.ts';
import { waitFor } from './wait-for.ts';

export interface TestRedis {
  port: number;
  url: string;
  dir: string;
  /** Stops it (SIGTERM: Redis flushes the AOF) and starts it again on the same port and dir. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Stops it and keeps the dir (a later `start` of a new TestRedis is not supported). */
  stop(): Promise<void>;
  /** Stops it and removes the dir. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(reply.startsWith('+PONG')));
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = await makeTempDir('mcpad-redis-');
  let child: ChildProcess | null = null;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started.stdout!.on('data', (data: Buffer) => (output += data.toString()));
    started.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    started.once('error', (error) => (output += `\nspawn failed: ${error.message} (is the redis-server package installed?)`));
    child = started;
    await waitFor(() => answersPing(port), `redis-server on port ${port} to answer`, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}\nredis-server said:\n${output.slice(-800)}`);
    });
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async restart(options = {}) {
      await stop();
      if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
      await launch();
    },
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
