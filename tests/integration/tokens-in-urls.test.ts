/**
 * Issue #13, tokens only where documented: the admin token and session links are accepted over
 * HTTP only as `Authorization: Bearer` (a `?token=` on the API is refused with TOKEN_IN_URL), the
 * WebSocket still reads `?token=` (browsers cannot set its headers), and no token ever reaches a
 * log line, at any level.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.ts';
import { rawClient, step1Frame } from '../helpers/raw-client.ts';
import { api } from '../helpers/session-api.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
let s: TestServer;
afterEach(async () => s.close());

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(`${s.url}${path}`, { headers });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code };
}

describe('tokens in URLs', () => {
  it('refuses the admin token and session links in an API query string, accepts them as Bearer', async () => {
    s = await startServer();
    const lead = (await api<{ token: string }>(s, 'POST', `/api/sessions/${SESSION}/tokens`, { role: 'lead' })).json.token;
    const bearer = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    for (const [path, token] of [
      [`/api/sessions/${SESSION}/tokens`, TEST_ADMIN_TOKEN],
      [`/api/sessions/${SESSION}/action-items`, TEST_ADMIN_TOKEN],
      ['/api/events/lpc2019/followups?format=csv', TEST_ADMIN_TOKEN],
      [`/api/sessions/${SESSION}/checkpoints`, lead],
      [`/api/sessions/${SESSION}`, lead],
    ] as const) {
      const withQuery = `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
      expect(await get(withQuery), withQuery).toEqual({ status: 400, code: 'TOKEN_IN_URL' });
      // Even alongside a valid header: the URL has already leaked.
      expect((await get(withQuery, bearer)).code, withQuery).toBe('TOKEN_IN_URL');
      expect((await get(path, { authorization: `Bearer ${token}` })).status, path).toBe(200);
    }
  });

  it('reads ?token= on the WebSocket and never writes a token to the log, even at trace level', async () => {
    const lines: string[] = [];
    s = await startServer({ logLevel: 'trace' }, { logStream: { write: (line) => void lines.push(line) } });
    const lead = (await api<{ token: string }>(s, 'POST', `/api/sessions/${SESSION}/tokens`, { role: 'lead' })).json.token;
    const unknown = 'mcp_this-link-does-not-exist-0123456789';

    // A session link on the WebSocket: valid opens and syncs, unknown is closed with 4403.
    const leadSocket = rawClient(`${s.collabUrl}/${SESSION}?token=${lead}`);
    await leadSocket.opened;
    leadSocket.send(step1Frame());
    await waitFor(() => leadSocket.received.length > 0, 'the lead socket to be answered');
    leadSocket.socket.close();
    const refused = rawClient(`${s.collabUrl}/${SESSION}?token=${unknown}`);
    expect((await refused.closed).code).toBe(CloseCode.FORBIDDEN);

    // Page links, refused API calls, unknown routes, malformed URLs: all with a token in the URL.
    await get(`/s/${SESSION}?token=${lead}`);
    await get(`/api/sessions/${SESSION}/tokens?token=${TEST_ADMIN_TOKEN}`);
    await get(`/no-such-page?a=1&token=${lead}`);
    await get(`/api/sessions/%E0%A4%A?token=${TEST_ADMIN_TOKEN}`);
    await new Promise<void>((resolve, reject) => {
      // A request Node's parser refuses, with the token in its request line.
      const req = http.request({ host: '127.0.0.1', port: s.port, path: `/collab/${SESSION}?token=${lead}`, headers: { 'content-length': 'x' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await s.stop();

    const log = lines.join('');
    // The requests were logged (trace logs every request), with their tokens redacted.
    expect(log).toContain(`/s/${SESSION}?token=[redacted]`);
    expect(log).toContain('/no-such-page?a=1&token=[redacted]');
    for (const secret of [lead, TEST_ADMIN_TOKEN, unknown]) expect(log).not.toContain(secret);
  });
});
