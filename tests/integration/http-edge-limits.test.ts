/**
 * Issue #13, the HTTP edge under careless or hostile clients: an over-large body sent whole gets a
 * 413 the client can read, slow request heads and bodies are cut with 408, and an open WebSocket
 * (an upgraded request) is not.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawClient, step1Frame } from '../helpers/raw-client.ts';
import { serverPool, TEST_ADMIN_TOKEN } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const pool = serverPool();
afterEach(async () => pool.closeAll());

/**
 * POSTs `total` bytes with Node's http.request and no `Expect: 100-continue`, written in `chunk`
 * pieces `gapMs` apart as a file upload is (the server answers while the client is still writing),
 * and reads the answer. A reset connection rejects with its error code (EPIPE, ECONNRESET).
 */
function postWhole(port: number, total: number, chunk: number, gapMs: number): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/events/lpc2019/sessions', agent: false, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/plain', 'content-length': String(total) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (data: string) => (text += data));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
    let sent = 0;
    const pump = (): void => {
      if (sent >= total) return void req.end();
      const n = Math.min(chunk, total - sent);
      sent += n;
      req.write(Buffer.alloc(n, 'x'));
      setTimeout(pump, gapMs);
    };
    pump();
  });
}

/** Opens a TCP connection, writes `parts` `gapMs` apart, and resolves with what the server sent and when it closed. */
function trickle(port: number, parts: string[], gapMs: number): Promise<{ reply: string; closedAfterMs: number; partsSent: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const next = (): void => {
      if (sent >= parts.length || socket.destroyed) return;
      socket.write(parts[sent++]!);
      timer = setTimeout(next, gapMs);
    };
    socket.on('connect', next);
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (reply += data));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply, closedAfterMs: Date.now() - started, partsSent: sent });
    });
  });
}

describe('over-large bodies', () => {
  it('answers a body sent whole without Expect: 100-continue with a 413 the client reads', async () => {
    const s = await pool.start({ maxBodyBytes: 64 * 1024 });
    for (const [total, chunk] of [
      [256 * 1024, 16 * 1024],
      [4 * 1024 * 1024, 256 * 1024],
      [8 * 1024 * 1024, 512 * 1024],
    ] as const) {
      const started = performance.now();
      const answer = await postWhole(s.port, total, chunk, 2);
      const tookMs = Math.round(performance.now() - started);
      console.log(`413 for a ${total}-byte body sent whole: read by the client after ${tookMs} ms`);
      // A bound on a hang (a 413 the client never reads), not a speed figure.
      expect(tookMs, `${total} bytes`).toBeLessThan(10_000);
      expect(answer, `${total} bytes`).toEqual({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } } });
    }
  });

  it('cuts a body that goes on past HTTP_DRAIN_MAX_BYTES instead of reading it all', async () => {
    const s = await pool.start({ maxBodyBytes: 64 * 1024, httpDrainMaxBytes: 256 * 1024 });
    const head = `POST /api/events/lpc2019/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Type: text/plain\r\nContent-Length: ${1024 ** 3}\r\n\r\n`;
    const body = 'x'.repeat(64 * 1024);
    const result = await trickle(s.port, [head, ...Array.from({ length: 200 }, () => body)], 1);
    expect(result.reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.reply).toMatch(/connection: close/i);
    console.log(`over-long body: cut after ${result.partsSent - 1} parts of 64 KiB (HTTP_DRAIN_MAX_BYTES 256 KiB)`);
    // Cut after about 256 KiB of drained body, long before the 200 × 64 KiB on offer.
    expect(result.partsSent).toBeLessThan(100);
  });
});

describe('slow requests', () => {
  it('cuts a body that trickles in slower than HTTP_REQUEST_TIMEOUT_MS with a 408', async () => {
    const s = await pool.start({ httpRequestTimeoutMs: 600, httpHeadersTimeoutMs: 300 });
    const head = `POST /api/events/lpc2019/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Type: text/markdown\r\nContent-Length: 1000\r\n\r\n`;
    // 100 bytes every 200 ms: 2 s for the whole body.
    const result = await trickle(s.port, [head, ...Array.from({ length: 10 }, () => '- t'.padEnd(99, ' ') + '\n')], 200);
    console.log(`slow body: cut with 408 after ${result.closedAfterMs} ms (HTTP_REQUEST_TIMEOUT_MS 600), ${result.partsSent - 1} of 10 body parts sent`);
    expect(result.reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.partsSent).toBeLessThan(11);
    expect(result.closedAfterMs).toBeLessThan(1900);
  });

  it('cuts a request head that trickles in slower than HTTP_HEADERS_TIMEOUT_MS with a 408', async () => {
    const s = await pool.start({ httpRequestTimeoutMs: 5000, httpHeadersTimeoutMs: 300 });
    const lines = ['GET /api/events HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', ...Array.from({ length: 20 }, (_, i) => `X-Slow-${i}: ${i}\r\n`), '\r\n'];
    const result = await trickle(s.port, lines, 100);
    console.log(`slow head: cut with 408 after ${result.closedAfterMs} ms (HTTP_HEADERS_TIMEOUT_MS 300)`);
    expect(result.reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.partsSent).toBeLessThan(lines.length);
    expect(result.closedAfterMs).toBeLessThan(100 * (lines.length - 1));
  });

  it('leaves an open WebSocket alone well past HTTP_REQUEST_TIMEOUT_MS', async () => {
    const s = await pool.start({ httpRequestTimeoutMs: 300, httpHeadersTimeoutMs: 200 });
    const client = rawClient(`${s.collabUrl}/containers-cr`);
    await client.opened;
    let closed = false;
    void client.closed.then(() => (closed = true));
    const started = Date.now();
    // Sync requests well apart, for more than three request timeouts (and checking intervals).
    await waitFor(
      async () => {
        client.send(step1Frame());
        await new Promise((resolve) => setTimeout(resolve, 100));
        return closed || Date.now() - started > 1200;
      },
      'the socket to outlive the request timeout',
    );
    expect(closed).toBe(false);
    expect(client.received.length).toBeGreaterThan(5);
    client.socket.close();
  });
});
