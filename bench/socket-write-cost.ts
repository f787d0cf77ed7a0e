/**
 * `npm run bench:writes [-- BYTES ...]`: what one write to a loopback TCP socket costs the writer on
 * this machine, the floor under every broadcast (one write per peer per flush). A reader process
 * holds 1,000 connections; the writer writes BYTES to each of them every 20 ms for 5 s, as a flush
 * does, and reports its own CPU per write. The reader reads eagerly or in 10 ms batches, to tell
 * the sending side's cost from the cost of waking the reader. (A reader that never reads is no
 * measure: once its buffers are full, writes queue in the writer's memory without a syscall.)
 */
import { fork } from 'node:child_process';
import net from 'node:net';

const CONNECTIONS = 1000;
const FLUSH_EVERY_MS = 20;
const RUN_MS = 5000;
type ReaderMode = 'eager' | 'batched';

function runReader(mode: ReaderMode): void {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.push(socket);
    socket.on('data', () => undefined);
    if (mode === 'batched') socket.pause();
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as net.AddressInfo).port));
  if (mode === 'batched') {
    setInterval(() => {
      for (const socket of sockets) socket.resume();
      setImmediate(() => sockets.forEach((socket) => socket.pause()));
    }, 10);
  }
}

async function measure(mode: ReaderMode, bytes: number): Promise<{ cpuMicrosPerWrite: number; systemShare: number; flushMsP50: number }> {
  const reader = fork(process.argv[1]!, ['--reader', mode], { execArgv: process.execArgv });
  try {
    const port = await new Promise<number>((resolve) => reader.once('message', (m) => resolve(m as number)));
    const sockets: net.Socket[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      await new Promise((resolve) => socket.once('connect', resolve));
      sockets.push(socket);
    }
    const payload = Buffer.alloc(bytes, 0x61);
    const flushMs: number[] = [];
    let writes = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const flushStarted = performance.now();
        for (const socket of sockets) socket.write(payload);
        writes += sockets.length;
        flushMs.push(performance.now() - flushStarted);
        if (performance.now() - started > RUN_MS) {
          clearInterval(timer);
          resolve();
        }
      }, FLUSH_EVERY_MS);
    });
    const cpu = process.cpuUsage(cpuBefore);
    for (const socket of sockets) socket.destroy();
    flushMs.sort((a, b) => a - b);
    return {
      cpuMicrosPerWrite: Math.round(((cpu.user + cpu.system) / writes) * 100) / 100,
      systemShare: Math.round((cpu.system / (cpu.user + cpu.system)) * 100) / 100,
      flushMsP50: Math.round(flushMs[flushMs.length >> 1]! * 100) / 100,
    };
  } finally {
    reader.kill();
  }
}

if (process.argv[2] === '--reader') runReader(process.argv[3] as ReaderMode);
else {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const bytes of sizes.length > 0 ? sizes : [300, 4000, 22_000]) {
    for (const mode of ['eager', 'batched'] as const) {
      const result = await measure(mode, bytes);
      console.log(`${bytes} B to ${CONNECTIONS} sockets, reader ${mode}: ${result.cpuMicrosPerWrite} µs CPU per write (${result.systemShare * 100} % in the kernel), one flush ${result.flushMsP50} ms (p50)`);
    }
  }
}
