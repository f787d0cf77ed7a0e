/** Every limit of issue #6, each with its close code or HTTP status, against the real server. */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { sectionNotes, topicSections, type SectionMap } from '../../shared/doc-schema.ts';
import { awarenessFrame, docState, notesUpdate, rawClient, step1Frame, updateFrame, type RawClient } from '../helpers/raw-client.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { classifyFrame } from '../../shared/wire.ts';

const SESSION = 'containers-cr';
const servers = serverPool();
const server = servers.start;
let raws: RawClient[] = [];

function raw(s: TestServer, sessionId = SESSION, options: WebSocket.ClientOptions = {}): RawClient {
  const client = rawClient(`${s.collabUrl}/${sessionId}`, options);
  raws.push(client);
  return client;
}

afterEach(async () => {
  destroyAllClients();
  for (const client of raws) client.socket.terminate();
  raws = [];
  await servers.closeAll();
});

const isOpen = (client: RawClient): boolean => client.socket.readyState === WebSocket.OPEN;

/** Sends a sync step 1 and waits for its step 2: the server has handled every earlier frame of this socket. */
async function roundTrip(client: RawClient): Promise<void> {
  const answers = (): number => client.received.filter((m) => classifyFrame(m) === 'sync-step2').length;
  const before = answers();
  client.send(step1Frame());
  await waitFor(() => answers() > before, 'a step 2 answer after the earlier frames');
}

describe('WebSocket limits', () => {
  it('a frame over MAX_MESSAGE_BYTES closes that socket with 1009; others keep working', async () => {
    const s = await server({ maxMessageBytes: 64 * 1024 });
    const good = connectClient(s.collabUrl, SESSION);
    await good.synced();
    const big = raw(s);
    await big.opened;
    big.send(new Uint8Array(100 * 1024));
    expect((await big.closed).code).toBe(CloseCode.MESSAGE_TOO_LARGE);
    good.notes('android-containers').insert(0, 'still here');
    const probe = connectClient(s.collabUrl, SESSION);
    await waitFor(() => probe.provider.synced && probe.notes('android-containers').toString() === 'still here', 'edit after the big frame');
  });

  it('an update that would take the doc past MAX_DOC_BYTES is refused with 4413 and not applied', async () => {
    const s = await server({ maxDocBytes: 200_000, maxMessageBytes: 100_000 });
    const base = await docState(s.app, SESSION);
    const writer = raw(s);
    await writer.opened;
    let sent = 0;
    while (isOpen(writer) && sent < 10) {
      writer.send(updateFrame(notesUpdate(base, 'x'.repeat(60_000), 1000 + sent, sent)));
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const closed = await writer.closed;
    expect(closed.code).toBe(CloseCode.DOC_TOO_LARGE);
    const size = await s.app.docs.withDoc(SESSION, (live) => Y.encodeStateAsUpdate(live.doc).length);
    expect(size).toBeLessThanOrEqual(200_000);
    expect(size).toBeGreaterThan(100_000);
    // Small edits still fit and flow.
    const a = connectClient(s.collabUrl, SESSION);
    const b = connectClient(s.collabUrl, SESSION);
    await Promise.all([a.synced(), b.synced()]);
    a.notes('android-containers').insert(0, 'small');
    await waitFor(() => b.notes('android-containers').toString().startsWith('small'), 'small edit after the refusal');
  });

  it('more than MAX_MESSAGES_PER_SECOND frames on one connection closes it with 4429; a burst under it does not', async () => {
    const s = await server({ maxMessagesPerSecond: 50 });
    const calm = raw(s);
    const flood = raw(s);
    await Promise.all([calm.opened, flood.opened]);
    // Auth frames: accepted and ignored, so only the frame rate matters.
    for (let i = 0; i < 40; i++) calm.send(new Uint8Array([2, 0]));
    for (let i = 0; i < 200; i++) flood.send(new Uint8Array([2, 0]));
    const closed = await flood.closed;
    expect(closed.code).toBe(CloseCode.RATE_LIMITED);
    expect(closed.reason).toContain('messages per second');
    await roundTrip(calm);
    expect(isOpen(calm)).toBe(true);
  });

  it('more than MAX_BYTES_PER_SECOND on one connection closes it with 4429', async () => {
    const s = await server({ maxBytesPerSecond: 10_000, maxMessageBytes: 50_000 });
    const flood = raw(s);
    await flood.opened;
    // One max-size message always fits (an offline client's first sync)...
    const padded = new Uint8Array(20_000);
    padded[0] = 2;
    for (let i = 0; i < 4; i++) flood.send(padded);
    const closed = await flood.closed;
    expect(closed.code).toBe(CloseCode.RATE_LIMITED);
    expect(closed.reason).toContain('bytes per second');
  });

  it('more than MAX_SYNC_REQUESTS_PER_MINUTE full-state requests on one connection closes it with 4429', async () => {
    const s = await server({ maxSyncRequestsPerMinute: 5 });
    const client = raw(s);
    await client.opened;
    for (let i = 0; i < 5; i++) client.send(i % 2 === 0 ? step1Frame() : new Uint8Array([3]));
    await waitFor(() => client.received.filter((m) => classifyFrame(m) === 'sync-step2').length === 3, 'three step 2 answers');
    expect(isOpen(client)).toBe(true);
    client.send(step1Frame());
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.RATE_LIMITED);
    expect(closed.reason).toContain('full-state requests');
  });

  it('MAX_CONNECTIONS_PER_IP: the connection over the limit gets 4429, a freed slot is reusable', async () => {
    const s = await server({ maxConnectionsPerIp: 5 });
    const first = Array.from({ length: 5 }, () => raw(s));
    await Promise.all(first.map((c) => c.opened));
    const extra = raw(s);
    expect((await extra.closed).code).toBe(CloseCode.RATE_LIMITED);
    expect(first.every(isOpen)).toBe(true);
    first[0]!.socket.close();
    await first[0]!.closed;
    const again = raw(s);
    await again.opened;
    await roundTrip(again);
    expect(isOpen(again)).toBe(true);
  });

  it('with the defaults, 300 people behind one address all join, edit and stay connected', async () => {
    const s = await server();
    const base = await docState(s.app, SESSION);
    const room = Array.from({ length: 300 }, () => raw(s));
    await Promise.all(room.map((c) => c.opened));
    room.forEach((client, i) => {
      client.send(step1Frame());
      client.send(awarenessFrame(5000 + i, 1, JSON.stringify({ user: { name: `attendee ${i}` } })));
      client.send(updateFrame(notesUpdate(base, `${i};`, 5000 + i)));
    });
    await waitFor(
      () => s.app.docs.withDoc(SESSION, (live) => sectionNotes(topicSections(live.doc).get(0) as SectionMap)!.length === room.reduce((n, _, i) => n + `${i};`.length, 0)),
      'all 300 edits',
      60_000,
    );
    await waitFor(() => s.app.docs.withDoc(SESSION, (live) => live.awareness.getStates().size === 300), 'all 300 presences', 60_000);
    expect(room.filter((c) => !isOpen(c))).toHaveLength(0);
    expect(s.app.docs.peerCount(SESSION)).toBe(300);
  }, 120_000);

  it('MAX_LOADED_DOCS: a further session gets 1013 while all are busy, and evicts an idle one otherwise', async () => {
    const s = await server({ maxLoadedDocs: 1, docIdleUnloadMs: 60_000 });
    const created = await fetch(`${s.url}/api/events/lpc2019/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
      body: '# Second MC\n- One topic\n',
    });
    expect(created.status).toBe(201);
    const a = connectClient(s.collabUrl, SESSION);
    await a.synced();
    a.notes('android-containers').insert(0, 'kept across the eviction');
    const busy = raw(s, 'second-mc');
    const closed = await busy.closed;
    expect(closed.code).toBe(CloseCode.TRY_AGAIN_LATER);
    const http = await fetch(`${s.url}/api/sessions/second-mc`);
    expect(http.status).toBe(200); // metadata does not need the doc

    const probe = connectClient(s.collabUrl, SESSION);
    await waitFor(() => probe.provider.synced && probe.notes('android-containers').length > 0, 'edit stored');
    destroyAllClients();
    await waitFor(() => s.app.docs.peerCount(SESSION) === 0, 'clients gone');
    const b = connectClient(s.collabUrl, 'second-mc');
    await b.synced();
    expect(s.app.docs.loadedCount).toBe(1);
    b.destroy();
    await waitFor(() => s.app.docs.peerCount('second-mc') === 0, 'second client gone');
    const again = connectClient(s.collabUrl, SESSION);
    await waitFor(() => again.provider.synced && again.notes('android-containers').toString() === 'kept across the eviction', 'evicted doc reloaded');
  });

  it('a client that stops reading is dropped once MAX_BUFFERED_BYTES wait for it (4408), others unaffected', async () => {
    const s = await server({ maxBufferedBytes: 64 * 1024, maxMessagesPerSecond: 100_000, maxBytesPerSecond: 1024 ** 3, maxSyncRequestsPerMinute: 1_000_000 });
    const good = connectClient(s.collabUrl, SESSION);
    await good.synced();
    const slow = raw(s);
    await slow.opened;
    await waitFor(() => s.app.docs.peerCount(SESSION) === 2, 'slow client joined');
    const tcp = (slow.socket as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.pause();
    // Each empty step 1 makes the server send the whole doc back: tens of MB unread.
    let sent = 0;
    while (s.app.docs.peerCount(SESSION) === 2 && sent < 20_000) {
      for (let i = 0; i < 100; i++) slow.send(step1Frame());
      sent += 100;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(() => s.app.docs.peerCount(SESSION) === 1, 'slow client dropped');
    tcp.resume();
    const closed = await slow.closed;
    expect([CloseCode.CLIENT_TOO_SLOW, 1006]).toContain(closed.code);
    good.notes('android-containers').insert(0, 'fine');
    const probe = connectClient(s.collabUrl, SESSION);
    await waitFor(() => probe.provider.synced && probe.notes('android-containers').toString() === 'fine', 'good client still edits');
  });

  it('a client that never answers the close frame cannot hold a shutdown: its TCP is cut after the handshake timeout', async () => {
    const s = await server();
    const silent = raw(s);
    await silent.opened;
    await waitFor(() => s.app.docs.peerCount(SESSION) === 1, 'silent client joined');
    // Stops reading, so it never sees (nor answers) the server's 1001; ws alone would wait 30 s.
    const tcp = (silent.socket as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.pause();
    const started = Date.now();
    await s.stop();
    // A bound on a hang, not a speed figure: without the timeout this is ws's 30 s closeTimeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    tcp.resume();
    expect((await silent.closed).code).toBe(CloseCode.GOING_AWAY);
  });
});

describe('awareness limits', () => {
  it('a state over MAX_AWARENESS_STATE_BYTES closes the sender with 1009', async () => {
    const s = await server({ maxAwarenessStateBytes: 1024 });
    const client = raw(s);
    await client.opened;
    client.send(awarenessFrame(77, 1, JSON.stringify({ user: { name: 'x'.repeat(2000) } })));
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_LARGE);
  });

  it('a socket may only set awareness for client ids it announced first', async () => {
    const s = await server();
    const owner = raw(s);
    const spoofer = raw(s);
    await Promise.all([owner.opened, spoofer.opened]);
    owner.send(awarenessFrame(111, 1, JSON.stringify({ user: { name: 'owner' } })));
    const stateOf = (id: number): Promise<unknown> => s.app.docs.withDoc(SESSION, (live) => live.awareness.getStates().get(id));
    await waitFor(async () => ((await stateOf(111)) as { user?: { name: string } } | undefined)?.user?.name === 'owner', 'owner state');
    spoofer.send(awarenessFrame(111, 5, JSON.stringify({ user: { name: 'spoof' } })));
    spoofer.send(awarenessFrame(222, 1, JSON.stringify({ user: { name: 'spoofer' } })));
    await waitFor(async () => Boolean(await stateOf(222)), 'spoofer own state');
    expect(((await stateOf(111)) as { user: { name: string } }).user.name).toBe('owner');
    /** Updates the spoofer's own state and waits for it: the server has handled its earlier frames. */
    const spooferStateIs = async (clock: number, name: string): Promise<void> => {
      spoofer.send(awarenessFrame(222, clock, JSON.stringify({ user: { name } })));
      await waitFor(async () => ((await stateOf(222)) as { user?: { name: string } } | undefined)?.user?.name === name, `spoofer state "${name}"`);
    };
    // The spoofer cannot remove it either.
    spoofer.send(awarenessFrame(111, 6, 'null'));
    await spooferStateIs(2, 'after removing');
    expect(await stateOf(111)).toBeDefined();
    expect(isOpen(spoofer)).toBe(true);
    // Once the owner leaves, its id is gone for everyone and free again.
    owner.socket.close();
    await waitFor(async () => (await stateOf(111)) === undefined, 'owner state removed');
    spoofer.send(awarenessFrame(111, 7, JSON.stringify({ user: { name: 'new owner' } })));
    await waitFor(async () => ((await stateOf(111)) as { user?: { name: string } } | undefined)?.user?.name === 'new owner', 'id reusable');
    // The server's own (empty) presence cannot be taken over.
    const serverId = await s.app.docs.withDoc(SESSION, (live) => live.awareness.clientID);
    spoofer.send(awarenessFrame(serverId, 9, JSON.stringify({ user: { name: 'server?' } })));
    await spooferStateIs(3, 'after the server id');
    expect(await stateOf(serverId)).toBeUndefined();
  });

  it('more than MAX_AWARENESS_IDS_PER_CONNECTION ids on one socket closes it with 4429', async () => {
    const s = await server({ maxAwarenessIdsPerConnection: 3 });
    const client = raw(s);
    await client.opened;
    for (let id = 1; id <= 4; id++) client.send(awarenessFrame(id, 1, '{"user":{"name":"n"}}'));
    expect((await client.closed).code).toBe(CloseCode.RATE_LIMITED);
  });
});

describe('HTTP and upgrade edge', () => {
  it('refuses a browser Origin not on the list with 403; no Origin, the own host and listed origins connect', async () => {
    const s = await server({ allowedOrigins: ['https://notes.example.org'] });
    const evil = raw(s, SESSION, { origin: 'https://evil.example' });
    await expect(evil.opened).rejects.toThrow(/403/);
    const nullOrigin = raw(s, SESSION, { origin: 'null' });
    await expect(nullOrigin.opened).rejects.toThrow(/403/);
    for (const options of [{}, { origin: 'https://notes.example.org' }, { origin: `http://127.0.0.1:${s.port}` }]) {
      const client = raw(s, SESSION, options);
      await client.opened;
    }
    const bot = connectClient(s.collabUrl, SESSION);
    await bot.synced();
  });

  it('MAX_BODY_BYTES: a larger body gets 413 PAYLOAD_TOO_LARGE', async () => {
    const s = await server({ maxBodyBytes: 1024 });
    const response = await fetch(`${s.url}/api/events/lpc2019/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
      body: `# Big\n${'- topic\n'.repeat(500)}`,
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('MAX_WRITE_REQUESTS_PER_MINUTE limits writes per address with 429; reads are not limited', async () => {
    const s = await server({ maxWriteRequestsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${s.url}/api/events/lpc2019/sessions?sessionId=rl-${i}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
        body: `# Rate ${i}\n- A topic\n`,
      });
      statuses.push(response.status);
      if (response.status === 429) expect((await response.json()).error.code).toBe('RATE_LIMITED');
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    for (let i = 0; i < 20; i++) expect((await fetch(`${s.url}/api/events`)).status).toBe(200);
  });

  it('sends security headers with a Content-Security-Policy', async () => {
    const s = await server();
    const response = await fetch(`${s.url}/healthz`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toBeTruthy();
  });
});
