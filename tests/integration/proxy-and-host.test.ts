/**
 * Issue #13, who the server believes: X-Forwarded-For only from configured proxies (for the
 * WebSocket per-address count and the HTTP write limit alike), Host headers only of this server
 * (DNS rebinding), and a CSP whose connect-src is the page's own origin.
 */
import http from 'node:http';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.ts';
import { rawClient, step1Frame, type RawClient } from '../helpers/raw-client.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

const pool = serverPool();
let sockets: RawClient[] = [];
afterEach(async () => {
  for (const client of sockets) client.socket.terminate();
  sockets = [];
  await pool.closeAll();
});

/** Opens a collab socket claiming to come from `forwardedFor`; resolves 'open' or the close code it got first. */
async function connectAs(s: TestServer, forwardedFor: string): Promise<'open' | number> {
  const client = rawClient(`${s.collabUrl}/containers-cr`, { headers: { 'x-forwarded-for': forwardedFor } });
  sockets.push(client);
  await client.opened;
  // A refused one is closed right after the upgrade; an accepted one answers a sync request.
  client.send(step1Frame());
  return Promise.race([client.closed.then((c) => c.code), new Promise<'open'>((resolve) => client.socket.once('message', () => resolve('open')))]);
}

/** A request with the given Host header (fetch does not let one set it). */
function withHost(s: TestServer, host: string, path = '/api/events', extra: Record<string, string> = {}): Promise<{ status: number; code: string | undefined; csp: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, path, agent: false, headers: { host, ...extra } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code, csp: res.headers['content-security-policy'] as string | undefined });
      });
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, code: undefined, csp: undefined });
    });
    req.on('error', reject);
    req.end();
  });
}

const upgradeHeaders = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };

describe('X-Forwarded-For', () => {
  it('is ignored from a peer that is not a trusted proxy, even with TRUST_PROXY_HOPS', async () => {
    const s = await pool.start({ trustProxyHops: 1, trustedProxies: ['10.0.0.0/8'], maxConnectionsPerIp: 1, maxWriteRequestsPerMinute: 1 });
    // Two forged client addresses from one real peer (127.0.0.1) count as that peer.
    expect(await connectAs(s, '203.0.113.1')).toBe('open');
    expect(await connectAs(s, '203.0.113.2')).toBe(CloseCode.RATE_LIMITED);
    const post = (forwardedFor: string) =>
      fetch(`${s.url}/api/events/lpc2019/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ title: 'T', topics: [] }),
      }).then((r) => r.status);
    expect(await post('203.0.113.1')).toBe(201);
    expect(await post('203.0.113.2')).toBe(429);
  });

  it('names the client when the peer is a trusted proxy', async () => {
    const s = await pool.start({ trustedProxies: ['127.0.0.1'], maxConnectionsPerIp: 1 });
    expect(await connectAs(s, '203.0.113.1')).toBe('open');
    expect(await connectAs(s, '203.0.113.2')).toBe('open');
    expect(await connectAs(s, '203.0.113.1')).toBe(CloseCode.RATE_LIMITED);
    // A client cannot pass itself off as a proxy: only the hop the trusted proxy added counts.
    expect(await connectAs(s, '198.51.100.7, 203.0.113.2')).toBe(CloseCode.RATE_LIMITED);
  });
});

describe('Host header', () => {
  it('refuses a host name the server does not answer to, on the API, pages and /collab', async () => {
    const s = await pool.start();
    for (const host of ['evil.example', `rebind.attacker.example:${s.port}`]) {
      expect(await withHost(s, host), host).toMatchObject({ status: 421, code: 'HOST_NOT_ALLOWED' });
      expect(await withHost(s, host, '/'), host).toMatchObject({ status: 421, code: 'HOST_NOT_ALLOWED' });
      expect((await withHost(s, host, '/collab/containers-cr', upgradeHeaders)).status, host).toBe(421);
    }
    // Its own names, and any IP address (what a room types to reach a laptop on the LAN).
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, 'LOCALHOST', '192.168.1.20:8080', '[::1]:8080', `[fe80::1]`, os.hostname(), `${os.hostname().split('.')[0]}.local`]) {
      expect((await withHost(s, host)).status, host).toBe(200);
    }
    expect((await withHost(s, `localhost:${s.port}`, '/collab/containers-cr', upgradeHeaders)).status).toBe(101);
  });

  it('answers to the names in ALLOWED_HOSTS, and to any with *', async () => {
    const named = await pool.start({ allowedHosts: ['notes.example.org'] });
    expect((await withHost(named, 'notes.example.org')).status).toBe(200);
    expect((await withHost(named, 'notes.example.org.:443')).status).toBe(200);
    expect((await withHost(named, 'other.example.org')).status).toBe(421);
    const any = await pool.start({ allowedHosts: ['*'] });
    expect((await withHost(any, 'anything.example')).status).toBe(200);
  });
});

describe('Content-Security-Policy', () => {
  it('lets pages connect to their own origin only, not to any ws: or wss: host', async () => {
    const s = await pool.start();
    const { csp } = await withHost(s, `127.0.0.1:${s.port}`, '/');
    const connectSrc = /(?:^|;)\s*connect-src ([^;]*)/.exec(csp ?? '')?.[1]?.trim();
    expect(connectSrc).toBe("'self'");
  });
});
