/**
 * Issue #15 item 4: the organiser's and leads' edit API. Each route as every role that may not call
 * it (nothing changes), hostile bodies and ids, and the doc following live: a rename changes the
 * heading, a reorder the layout order, a new topic gets its section, and notes are never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSection, readableSections, sectionId } from '../../shared/doc-schema.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { api, sessionLink } from '../helpers/session-api.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const pool = serverPool();
let s: TestServer;
let tokens: Record<'participant' | 'viewer' | 'lead' | 'otherLead', string>;

const tokenOf = (link: string): string => new URL(link, 'http://x').searchParams.get('token')!;

/** What a refused write must leave untouched: the metadata, the notes export and the audit log. */
async function state(): Promise<string> {
  const event = (await api(s, 'GET', '/api/events/lpc2019')).json;
  const session = (await api(s, 'GET', `/api/sessions/${SESSION}`)).json;
  const notes = await (await fetch(`${s.url}/api/sessions/${SESSION}/export?format=md`)).text();
  const audit = (await api(s, 'GET', '/api/events/lpc2019/audit?limit=1000')).json;
  return JSON.stringify({ event: { ...event, sessions: event.sessions.map((x: { online?: number }) => ({ ...x, online: 0 })) }, session: { ...session, online: 0 }, notes, audit, events: (await api(s, 'GET', '/api/events')).json });
}

beforeAll(async () => {
  s = await pool.start();
  const other = await api(s, 'POST', '/api/events/lpc2019/sessions', { id: 'other-mc', title: 'Other MC', topics: [{ title: 'T' }] });
  tokens = {
    participant: tokenOf(await sessionLink(s, SESSION, 'participant')),
    viewer: tokenOf(await sessionLink(s, SESSION, 'viewer')),
    lead: tokenOf(await sessionLink(s, SESSION, 'lead')),
    otherLead: other.json.sessions[0].leadToken,
  };
});
afterAll(async () => {
  destroyAllClients();
  await pool.closeAll();
});

type Call = [method: string, path: string, body: unknown];
const topicIds = async (): Promise<string[]> => (await api(s, 'GET', `/api/sessions/${SESSION}`)).json.topics.map((t: { id: string }) => t.id);

async function send(method: string, path: string, body: unknown, token?: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

describe('role matrix', () => {
  it('lead-or-admin routes: participant, viewer, another session\'s lead and anonymous are refused; nothing changes', async () => {
    const ids = await topicIds();
    const calls: Call[] = [
      ['PATCH', `/api/sessions/${SESSION}`, { title: 'Hijacked' }],
      ['POST', `/api/sessions/${SESSION}/topics`, { title: 'Injected' }],
      ['PATCH', `/api/sessions/${SESSION}/topics/${ids[0]}`, { title: 'Renamed by mallory' }],
      ['PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: [...ids].reverse() }],
    ];
    const before = await state();
    for (const [method, path, body] of calls) {
      for (const [who, token] of [['participant', tokens.participant], ['viewer', tokens.viewer], ['other lead', tokens.otherLead], ['anonymous', undefined]] as const) {
        const answer = await send(method, path, body, token);
        expect(answer.status, `${method} ${path} as ${who}`).toBe(403);
        expect(answer.json.error.code).toBe('FORBIDDEN');
      }
    }
    expect(await state()).toBe(before);
  });

  it('admin-only routes: a lead, participant, viewer and anonymous are refused; nothing changes', async () => {
    const calls: Call[] = [
      ['POST', '/api/events', { id: 'evil', title: 'Evil' }],
      ['PATCH', '/api/events/lpc2019', { title: 'Hijacked' }],
      ['PUT', `/api/sessions/${SESSION}/archived`, { archived: true }],
    ];
    const before = await state();
    for (const [method, path, body] of calls) {
      for (const [who, token] of [['lead', tokens.lead], ['participant', tokens.participant], ['viewer', tokens.viewer], ['anonymous', undefined]] as const) {
        const answer = await send(method, path, body, token);
        expect([401, 403], `${method} ${path} as ${who}`).toContain(answer.status);
        expect(['UNAUTHORIZED', 'FORBIDDEN']).toContain(answer.json.error.code);
      }
    }
    expect(await state()).toBe(before);
  });

  it('audit: admin reads the event; a lead only with its own session; others are refused', async () => {
    expect((await send('GET', '/api/events/lpc2019/audit', undefined)).status).toBe(401);
    expect((await send('GET', '/api/events/lpc2019/audit', undefined, tokens.lead)).status).toBe(403);
    expect((await send('GET', `/api/events/lpc2019/audit?session=${SESSION}`, undefined, tokens.lead)).status).toBe(200);
    expect((await send('GET', `/api/events/lpc2019/audit?session=${SESSION}`, undefined, tokens.participant)).status).toBe(403);
    expect((await send('GET', `/api/events/lpc2019/audit?session=${SESSION}`, undefined, tokens.otherLead)).status).toBe(403);
    expect((await send('GET', '/api/events/lpc2019/audit?session=other-mc', undefined, tokens.lead)).status).toBe(403);
    expect((await send('GET', '/api/events/nope/audit', undefined, TEST_ADMIN_TOKEN)).json.error.code).toBe('EVENT_NOT_FOUND');
  });
});

describe('hostile input', () => {
  it('bad JSON, unknown fields and ids, oversize values, path tricks and non-permutations get clear codes; nothing changes', async () => {
    const ids = await topicIds();
    const firstTitle = (await api(s, 'GET', `/api/sessions/${SESSION}`)).json.topics[0].title as string;
    const before = await state();
    const cases: Array<[string, string, string, unknown, number, string]> = [
      ['bad JSON', 'PATCH', `/api/sessions/${SESSION}`, '{"title": ', 400, 'BAD_REQUEST'],
      ['empty patch', 'PATCH', `/api/sessions/${SESSION}`, {}, 400, 'VALIDATION_FAILED'],
      ['unknown fields only', 'PATCH', `/api/sessions/${SESSION}`, { archived: true }, 400, 'VALIDATION_FAILED'],
      ['unknown topic fields only', 'PATCH', `/api/sessions/${SESSION}/topics/${ids[0]}`, { notes: 'x' }, 400, 'VALIDATION_FAILED'],
      ['unknown event fields only', 'PATCH', '/api/events/lpc2019', { sessions: [] }, 400, 'VALIDATION_FAILED'],
      ['blank title', 'PATCH', `/api/sessions/${SESSION}`, { title: '   ' }, 400, 'VALIDATION_FAILED'],
      ['oversize title', 'POST', `/api/sessions/${SESSION}/topics`, { title: 'x'.repeat(301) }, 400, 'VALIDATION_FAILED'],
      ['too many speakers', 'POST', `/api/sessions/${SESSION}/topics`, { title: 'Ok', speakers: Array.from({ length: 51 }, () => 'a') }, 400, 'VALIDATION_FAILED'],
      ['after an unknown topic', 'POST', `/api/sessions/${SESSION}/topics`, { title: 'Ok', after: 'no-such-topic' }, 404, 'NOT_FOUND'],
      ['a duplicate title', 'POST', `/api/sessions/${SESSION}/topics`, { title: firstTitle.toUpperCase() }, 409, 'TOPIC_EXISTS'],
      ['unknown session', 'PATCH', '/api/sessions/no-such-session', { title: 'x' }, 404, 'SESSION_NOT_FOUND'],
      ['path trick', 'PATCH', '/api/sessions/..%2Fmeta', { title: 'x' }, 400, 'VALIDATION_FAILED'],
      ['unknown topic', 'PATCH', `/api/sessions/${SESSION}/topics/no-such-topic`, { title: 'x' }, 404, 'NOT_FOUND'],
      ['topic path trick', 'PATCH', `/api/sessions/${SESSION}/topics/..%2F..%2Fx`, { title: 'x' }, 400, 'VALIDATION_FAILED'],
      ['order missing one', 'PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: ids.slice(1) }, 400, 'VALIDATION_FAILED'],
      ['order with a duplicate', 'PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: [ids[0], ...ids.slice(0, -1)] }, 400, 'VALIDATION_FAILED'],
      ['order with an unknown id', 'PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: [...ids.slice(1), 'nope'] }, 400, 'VALIDATION_FAILED'],
      ['order not a list', 'PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: 'a,b' }, 400, 'VALIDATION_FAILED'],
      ['archived not a boolean', 'PUT', `/api/sessions/${SESSION}/archived`, { archived: 'yes' }, 400, 'VALIDATION_FAILED'],
      ['event with a bad id', 'POST', '/api/events', { id: '../etc', title: 'x' }, 400, 'VALIDATION_FAILED'],
      ['event that exists', 'POST', '/api/events', { id: 'lpc2019', title: 'again' }, 409, 'EVENT_EXISTS'],
      ['event patch of an unknown event', 'PATCH', '/api/events/nope', { title: 'x' }, 404, 'EVENT_NOT_FOUND'],
      ['audit limit out of range', 'GET', '/api/events/lpc2019/audit?limit=0', undefined, 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, method, path, body, status, code] of cases) {
      const answer = await send(method, path, body, TEST_ADMIN_TOKEN);
      expect({ what, status: answer.status, code: answer.json.error?.code }).toEqual({ what, status, code });
    }
    const big = await fetch(`${s.url}/api/sessions/${SESSION}`, { method: 'PATCH', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ description: 'x'.repeat(3 * 1024 * 1024) }) });
    expect(big.status).toBe(413);
    expect(await state()).toBe(before);
  });
});

describe('edits, live in the doc', () => {
  it('a lead renames, adds and reorders topics: every client sees it live, notes untouched, audit records the link label', async () => {
    const alice = connectClient(s.collabUrl, SESSION, { name: 'Alice' });
    const bob = connectClient(s.collabUrl, SESSION, { name: 'Bob' });
    await Promise.all([alice.synced(), bob.synced()]);
    const ids = await topicIds();
    const [first, second] = [ids[0]!, ids[1]!];
    alice.notes(first).insert(0, 'notes of the first topic');
    bob.notes(second).insert(0, 'notes of the second topic');
    await waitFor(() => alice.notes(second).toString() === 'notes of the second topic', 'bob\'s notes at alice');

    const renamed = await send('PATCH', `/api/sessions/${SESSION}/topics/${first}`, { title: 'A better title', speakers: ['Ada'] }, tokens.lead);
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ id: first, title: 'A better title', speakers: ['Ada'] });
    await waitFor(() => findSection(bob.doc, first)?.get('title') === 'A better title', 'the new heading at bob');

    const added = await send('POST', `/api/sessions/${SESSION}/topics`, { title: 'Late addition', speakers: ['Lin'], after: first }, tokens.lead);
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ id: 'late-addition', title: 'Late addition', speakers: ['Lin'] });
    const shown = (doc: typeof bob.doc) => readableSections(doc).map((section) => sectionId(section));
    await waitFor(() => shown(bob.doc).slice(0, 3).join() === [first, 'late-addition', second].join(), 'the new section after the first at bob');

    const order = [second, 'late-addition', first, ...ids.slice(2)];
    const reordered = await send('PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: order }, tokens.lead);
    expect(reordered.status).toBe(200);
    expect(reordered.json.topics.map((t: { id: string }) => t.id)).toEqual(order);
    await waitFor(() => shown(alice.doc).join() === order.join() && shown(bob.doc).join() === order.join(), 'the new order at both');
    expect(await topicIds()).toEqual(order);

    // Notes never touched; the export follows the new order and title.
    expect(alice.notes(first).toString()).toBe('notes of the first topic');
    expect(bob.notes(second).toString()).toBe('notes of the second topic');
    const md = await (await fetch(`${s.url}/api/sessions/${SESSION}/export?format=md`)).text();
    expect(md.indexOf('A better title')).toBeGreaterThan(md.indexOf('Late addition'));
    expect(md).toContain('notes of the first topic');

    const audit = await send('GET', `/api/events/lpc2019/audit?session=${SESSION}&limit=3`, undefined, tokens.lead);
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(['topic.reorder', 'topic.add', 'topic.update']);
    expect(audit.json.entries[2]).toMatchObject({ actor: { role: 'lead', label: 'lead link' }, sessionId: SESSION, eventId: 'lpc2019', detail: { topicId: first, title: 'A better title' } });
    alice.destroy();
    bob.destroy();
  });

  it('session and event edits answer the new record; the event lists it', async () => {
    const patched = await send('PATCH', `/api/sessions/${SESSION}`, { title: 'Containers & C/R', leads: [{ name: 'Ada' }], schedule: { start: '2019-09-10T10:00:00+02:00', room: 'Austria' } }, tokens.lead);
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ title: 'Containers & C/R', leads: [{ name: 'Ada' }], schedule: { room: 'Austria' }, archived: false });
    const cleared = await send('PATCH', `/api/sessions/${SESSION}`, { schedule: null }, TEST_ADMIN_TOKEN);
    expect(cleared.json.schedule).toBeUndefined();
    const created = await send('POST', '/api/events', { id: 'osseu-2026', title: 'OSS EU 2026' }, TEST_ADMIN_TOKEN);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'osseu-2026', title: 'OSS EU 2026', description: '' });
    const event = await send('PATCH', '/api/events/osseu-2026', { description: 'Amsterdam', participantAccess: 'link' }, TEST_ADMIN_TOKEN);
    expect(event.json).toMatchObject({ id: 'osseu-2026', description: 'Amsterdam', participantAccess: 'link' });
    const audit = await send('GET', '/api/events/osseu-2026/audit', undefined, TEST_ADMIN_TOKEN);
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(['event.update', 'event.create']);
    expect(audit.json.entries[0].actor).toEqual({ role: 'admin', label: 'admin' });
  });
});

describe('archive', () => {
  it('an archived session is read-only for everyone (HTTP 409, WebSocket edits refused), still readable and listed as archived', async () => {
    const client = connectClient(s.collabUrl, SESSION, { params: { token: tokens.lead } });
    await client.synced();
    const topic = (await topicIds())[0]!;
    expect((await send('PUT', `/api/sessions/${SESSION}/archived`, { archived: true }, TEST_ADMIN_TOKEN)).json.archived).toBe(true);
    const listed = (await api(s, 'GET', '/api/events/lpc2019')).json.sessions.find((x: { id: string }) => x.id === SESSION);
    expect(listed.archived).toBe(true);

    const before = await state();
    const refused: Call[] = [
      ['PATCH', `/api/sessions/${SESSION}`, { title: 'x' }],
      ['POST', `/api/sessions/${SESSION}/topics`, { title: 'x' }],
      ['PATCH', `/api/sessions/${SESSION}/topics/${topic}`, { title: 'x' }],
      ['PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: await topicIds() }],
      ['POST', `/api/sessions/${SESSION}/action-items`, { topicId: topic, text: 'x', createdBy: 'x' }],
      ['PUT', `/api/sessions/${SESSION}/discussion`, { topicId: topic }],
      ['POST', `/api/sessions/${SESSION}/decisions`, { topicId: topic, text: 'x' }],
      ['POST', `/api/sessions/${SESSION}/import-pad`, { note: 'any body: refused before it is read' }],
      ['POST', `/api/events/lpc2019/sessions?sessionId=${SESSION}`, { title: 'x', topics: [{ title: 'Imported into the archive' }] }],
    ];
    for (const [method, path, body] of refused) {
      for (const token of path.includes('/api/events/') ? [TEST_ADMIN_TOKEN] : [TEST_ADMIN_TOKEN, tokens.lead]) {
        const answer = await send(method, path, body, token);
        expect({ path, method, status: answer.status, code: answer.json.error?.code }).toEqual({ path, method, status: 409, code: 'SESSION_ARCHIVED' });
      }
    }
    // The open lead connection lost write access, and a new one gets none: their edits are not
    // applied. Each socket's frames are handled in order, so once the server holds the presence
    // each sent after its edit, the edit was decided.
    const late = connectClient(s.collabUrl, SESSION, { params: { token: tokens.participant } });
    await late.synced();
    const serverNames = () => s.app.docs.withDoc(SESSION, (live) => [...live.awareness.getStates().values()].map((x) => (x as { user?: { name?: string } }).user?.name));
    for (const [who, text] of [[client, 'written after the archive'], [late, 'a new connection writes too']] as const) {
      who.notes(topic).insert(0, text);
      who.provider.awareness.setLocalStateField('user', { name: text, color: '#3366cc' });
      await waitFor(async () => (await serverNames()).includes(text), `presence after "${text}"`);
    }
    const serverNotes = await s.app.docs.withDoc(SESSION, (live) => findSection(live.doc, topic)?.get('notes')?.toString() ?? '');
    expect(serverNotes).not.toContain('after the archive');
    expect(serverNotes).not.toContain('a new connection');
    expect(await state()).toBe(before);
    expect((await fetch(`${s.url}/api/sessions/${SESSION}/export?format=md`)).status).toBe(200);

    expect((await send('PUT', `/api/sessions/${SESSION}/archived`, { archived: false }, TEST_ADMIN_TOKEN)).json.archived).toBe(false);
    expect((await send('PATCH', `/api/sessions/${SESSION}`, { description: 'open again' }, tokens.lead)).status).toBe(200);
    const actions = (await send('GET', `/api/events/lpc2019/audit?session=${SESSION}&limit=3`, undefined, TEST_ADMIN_TOKEN)).json.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['session.update', 'session.unarchive', 'session.archive']);
    client.destroy();
    late.destroy();
  });
});

describe('structure over the WebSocket', () => {
  it('a client writing the layout root is refused and the order stays', async () => {
    const order = await topicIds();
    const mallory = connectClient(s.collabUrl, SESSION, { params: { token: tokens.lead } });
    const closes: number[] = [];
    mallory.provider.on('connection-close', (event) => void (event && closes.push(event.code)));
    await mallory.synced();
    mallory.doc.getMap('layout').set('topicOrder', [...order].reverse());
    await waitFor(() => closes.length > 0, 'the sender to be closed');
    expect(closes[0]).toBe(4400);
    const serverOrder = await s.app.docs.withDoc(SESSION, (live) => readableSections(live.doc).map((x) => sectionId(x)));
    expect(serverOrder).toEqual(order);
    mallory.destroy();
  });
});

describe('audit log', () => {
  it('records link create/revoke and imports, and keeps at most the configured entries per event', async () => {
    const small = await pool.start({ auditMaxEntriesPerEvent: 10, seedDir: null });
    const imported = await api(small, 'POST', '/api/events/conf/sessions', { sessions: [{ id: 'mc', title: 'MC', topics: [{ title: 'A' }] }] });
    expect(imported.status).toBe(201);
    const link = await api(small, 'POST', '/api/sessions/mc/tokens', { role: 'viewer', label: 'stream' });
    await api(small, 'DELETE', `/api/sessions/mc/tokens/${link.json.id}`);
    let entries = (await api(small, 'GET', '/api/events/conf/audit')).json.entries;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['link.revoke', 'link.create', 'import']);
    expect(entries[1].detail).toMatchObject({ role: 'viewer', label: 'stream' });
    expect(JSON.stringify(entries)).not.toContain(link.json.token);
    for (let i = 0; i < 12; i++) await api(small, 'PATCH', '/api/sessions/mc', { description: `v${i}` });
    entries = (await api(small, 'GET', '/api/events/conf/audit?limit=1000')).json.entries;
    expect(entries).toHaveLength(10);
    expect(entries[0].detail).toEqual({ description: 'v11' });
    expect(entries.every((e: { action: string }) => e.action === 'session.update')).toBe(true);
  });
});
