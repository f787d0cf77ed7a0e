import { parse as parseCsv } from 'csv-parse/sync';
import ICAL from 'ical.js';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSections } from '../../shared/doc-schema.ts';
import { readFollowups } from '../../shared/followups.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
let s: TestServer;
let tokens: Record<'admin' | 'lead' | 'participant' | 'viewer' | 'none' | 'otherLead', string | undefined>;

async function api(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function createToken(sessionId: string, role: string): Promise<string> {
  const r = await api('POST', `/api/sessions/${sessionId}/tokens`, TEST_ADMIN_TOKEN, { role });
  expect(r.status).toBe(201);
  return r.json.token;
}

async function items(): Promise<any[]> {
  return (await api('GET', `/api/sessions/${SESSION}/action-items`, TEST_ADMIN_TOKEN)).json.items;
}

beforeEach(async () => {
  s = await startServer();
  const other = await api('POST', '/api/events/lpc2019/sessions', TEST_ADMIN_TOKEN, { id: 'other-mc', title: 'Other MC', topics: [{ title: 'T' }] });
  tokens = {
    admin: TEST_ADMIN_TOKEN,
    lead: await createToken(SESSION, 'lead'),
    participant: await createToken(SESSION, 'participant'),
    viewer: await createToken(SESSION, 'viewer'),
    none: undefined,
    otherLead: other.json.sessions[0].leadToken,
  };
});

afterEach(async () => {
  destroyAllClients();
  await s.close();
});

describe('roles over HTTP', () => {
  it('applies the role table to every operation and changes nothing when refusing', async () => {
    const seedItem = (await api('POST', `/api/sessions/${SESSION}/action-items`, TEST_ADMIN_TOKEN, { topicId: TOPIC, text: 'seed item' })).json;
    type Op = { name: string; run: (token: string | undefined) => Promise<{ status: number; json: any }> };
    const ops: Op[] = [
      { name: 'read items', run: (t) => api('GET', `/api/sessions/${SESSION}/action-items`, t) },
      { name: 'capture item', run: (t) => api('POST', `/api/sessions/${SESSION}/action-items`, t, { topicId: TOPIC, text: 'captured' }) },
      { name: 'edit text', run: (t) => api('PATCH', `/api/sessions/${SESSION}/action-items/${seedItem.id}`, t, { text: `edited by ${t}` }) },
      { name: 'assign', run: (t) => api('PATCH', `/api/sessions/${SESSION}/action-items/${seedItem.id}`, t, { assignee: { name: `A ${t}` }, due: '2019-10-01', status: 'in-progress' }) },
      { name: 'list links', run: (t) => api('GET', `/api/sessions/${SESSION}/tokens`, t) },
      { name: 'create viewer link', run: (t) => api('POST', `/api/sessions/${SESSION}/tokens`, t, { role: 'viewer' }) },
      { name: 'create lead link', run: (t) => api('POST', `/api/sessions/${SESSION}/tokens`, t, { role: 'lead' }) },
      { name: 'close event', run: (t) => api('PATCH', '/api/events/lpc2019', t, { participantAccess: 'open' }) },
      { name: 'import', run: (t) => api('POST', '/api/events/lpc2019/sessions', t, { id: `imp-${Math.random().toString(36).slice(2, 8)}`, title: 'X', topics: [] }) },
    ];
    // none = anonymous on an open event = participant.
    const allowed: Record<keyof typeof tokens, string[]> = {
      admin: ops.map((o) => o.name),
      lead: ['read items', 'capture item', 'edit text', 'assign', 'list links', 'create viewer link'],
      participant: ['read items', 'capture item', 'edit text'],
      none: ['read items', 'capture item', 'edit text'],
      viewer: ['read items'],
      otherLead: [],
    };
    for (const [role, token] of Object.entries(tokens) as Array<[keyof typeof tokens, string | undefined]>) {
      for (const op of ops) {
        const before = JSON.stringify({ items: await items(), links: (await api('GET', `/api/sessions/${SESSION}/tokens`, TEST_ADMIN_TOKEN)).json });
        const result = await op.run(token);
        const label = `${role} → ${op.name}`;
        if (allowed[role].includes(op.name)) {
          expect(result.status, label).toBeGreaterThanOrEqual(200);
          expect(result.status, label).toBeLessThan(300);
        } else {
          expect([401, 403], label).toContain(result.status);
          expect(['FORBIDDEN', 'UNAUTHORIZED'], label).toContain(result.json.error.code);
          const after = JSON.stringify({ items: await items(), links: (await api('GET', `/api/sessions/${SESSION}/tokens`, TEST_ADMIN_TOKEN)).json });
          expect(after, label).toBe(before);
        }
      }
    }
  });

  it('a closed event makes anonymous visitors viewers; a revoked link stops working', async () => {
    expect((await api('PATCH', '/api/events/lpc2019', TEST_ADMIN_TOKEN, { participantAccess: 'link' })).status).toBe(200);
    expect((await api('GET', `/api/sessions/${SESSION}/access`, undefined)).json.role).toBe('viewer');
    expect((await api('POST', `/api/sessions/${SESSION}/action-items`, undefined, { topicId: TOPIC, text: 'x' })).status).toBe(403);
    expect((await api('GET', `/api/sessions/${SESSION}/access`, tokens.participant)).json.role).toBe('participant');

    const links = (await api('GET', `/api/sessions/${SESSION}/tokens`, TEST_ADMIN_TOKEN)).json.tokens;
    expect(links.every((l: any) => !('hash' in l) && !('token' in l))).toBe(true);
    const participantLink = links.find((l: any) => l.role === 'participant');
    expect((await api('DELETE', `/api/sessions/${SESSION}/tokens/${participantLink.id}`, tokens.lead)).status).toBe(200);
    const refused = await api('GET', `/api/sessions/${SESSION}/access`, tokens.participant);
    expect(refused.status).toBe(403);
    // A lead may not revoke the lead link; the admin may.
    const leadLink = links.find((l: any) => l.role === 'lead');
    expect((await api('DELETE', `/api/sessions/${SESSION}/tokens/${leadLink.id}`, tokens.lead)).status).toBe(403);
  });
});

describe('roles over the WebSocket', () => {
  function rawSocket(room: string, token?: string): Promise<{ socket: WebSocket; code: Promise<number> }> {
    const socket = new WebSocket(`${s.collabUrl}/${room}${token ? `?token=${token}` : ''}`);
    const code = new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    return new Promise((resolve, reject) => {
      socket.on('open', () => resolve({ socket, code }));
      socket.on('error', reject);
    });
  }

  it('a viewer or a crafted follow-ups update is refused, told why, and never reaches others', async () => {
    const participant = connectClient(s.collabUrl, SESSION, { params: { token: tokens.participant! } });
    const viewer = connectClient(s.collabUrl, SESSION, { params: { token: tokens.viewer! } });
    await Promise.all([participant.synced(), viewer.synced()]);
    const denied: string[] = [];
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => denied.push(args.join(' '));
    try {
      viewer.notes(TOPIC).insert(0, 'viewer scribble');
      participant.notes(TOPIC).insert(0, 'participant note');
      await waitFor(() => viewer.notes(TOPIC).toString().includes('participant note'), 'participant edit reaches the viewer');
      await waitFor(() => denied.some((line) => line.includes('read-only')), 'the viewer to be told');
    } finally {
      console.warn = originalWarn;
    }
    const fresh = connectClient(s.collabUrl, SESSION);
    await fresh.synced();
    expect(fresh.notes(TOPIC).toString()).toBe('participant note');
    expect(participant.notes(TOPIC).toString()).toBe('participant note');

    // Even a lead cannot write the follow-ups doc over the socket; the lead API can.
    const item = (await api('POST', `/api/sessions/${SESSION}/action-items`, tokens.participant, { topicId: TOPIC, text: 'write the patch' })).json;
    const leadFollowups = new Y.Doc();
    const { WebsocketProvider } = await import('y-websocket');
    const crafted = new WebsocketProvider(s.collabUrl, `${SESSION}/state`, leadFollowups, { WebSocketPolyfill: WebSocket as any, disableBc: true, params: { token: tokens.lead! } });
    const watcherDoc = new Y.Doc();
    const watcher = new WebsocketProvider(s.collabUrl, `${SESSION}/state`, watcherDoc, { WebSocketPolyfill: WebSocket as any, disableBc: true });
    try {
      await waitFor(() => crafted.synced && watcher.synced, 'follow-ups docs to sync');
      const warned: string[] = [];
      const originalWarn = console.warn;
      console.warn = (...args: unknown[]) => warned.push(args.join(' '));
      try {
        leadFollowups.getMap('followups').set(item.id, new Y.Map([['status', 'done']]) as any);
        await waitFor(() => warned.some((line) => line.includes('read-only')), 'the crafting lead to be told');
      } finally {
        console.warn = originalWarn;
      }
      expect(readFollowups(watcherDoc).has(item.id)).toBe(false);
      expect((await items()).find((i) => i.id === item.id).status).toBe('open');
      const assigned = await api('PATCH', `/api/sessions/${SESSION}/action-items/${item.id}`, tokens.lead, { assignee: { name: 'Christian Brauner', email: 'christian@brauner.io' }, status: 'in-progress', by: 'Stéphane' });
      expect(assigned.status).toBe(200);
      await waitFor(() => readFollowups(watcherDoc).get(item.id)?.assignee?.name === 'Christian Brauner', 'assignment to arrive live');
      expect(readFollowups(watcherDoc).get(item.id)!.status).toBe('in-progress');
      expect(assigned.json.history.map((h: any) => [h.field, h.by])).toEqual([
        ['assignee', 'Stéphane (lead)'],
        ['status', 'Stéphane (lead)'],
      ]);
    } finally {
      crafted.destroy();
      watcher.destroy();
    }
  });

  it('a bad or revoked token is refused with 4403; anonymous on a closed event is read-only', async () => {
    const bad = await rawSocket(SESSION, 'mcp_not-a-real-token');
    expect(await bad.code).toBe(CloseCode.FORBIDDEN);
    const other = await rawSocket(SESSION, tokens.otherLead);
    expect(await other.code).toBe(CloseCode.FORBIDDEN);
    const connected = await rawSocket(SESSION, tokens.viewer);
    const viewerLink = (await api('GET', `/api/sessions/${SESSION}/tokens`, TEST_ADMIN_TOKEN)).json.tokens.find((t: any) => t.role === 'viewer');
    await api('DELETE', `/api/sessions/${SESSION}/tokens/${viewerLink.id}`, TEST_ADMIN_TOKEN);
    expect(await connected.code).toBe(CloseCode.FORBIDDEN);
    const revoked = await rawSocket(SESSION, tokens.viewer);
    expect(await revoked.code).toBe(CloseCode.FORBIDDEN);

    await api('PATCH', '/api/events/lpc2019', TEST_ADMIN_TOKEN, { participantAccess: 'link' });
    const anonymous = connectClient(s.collabUrl, SESSION);
    await anonymous.synced();
    anonymous.notes(TOPIC).insert(0, 'anonymous text');
    const check = connectClient(s.collabUrl, SESSION, { params: { token: tokens.participant! } });
    await check.synced();
    check.notes(TOPIC).insert(0, 'linked');
    await waitFor(() => anonymous.notes(TOPIC).toString().includes('linked'), 'edits flow to the read-only client');
    const verify = connectClient(s.collabUrl, SESSION, { params: { token: tokens.participant! } });
    await verify.synced();
    expect(verify.notes(TOPIC).toString()).toBe('linked');
  });
});

describe('follow-ups', () => {
  it('two leads assigning the same item at once end in one deterministic result with no duplicate', async () => {
    const item = (await api('POST', `/api/sessions/${SESSION}/action-items`, tokens.participant, { topicId: TOPIC, text: 'review pidfd patches' })).json;
    const secondLead = await createToken(SESSION, 'lead');
    const [a, b] = await Promise.all([
      api('PATCH', `/api/sessions/${SESSION}/action-items/${item.id}`, tokens.lead, { assignee: { name: 'Mike' }, by: 'lead A' }),
      api('PATCH', `/api/sessions/${SESSION}/action-items/${item.id}`, secondLead, { assignee: { name: 'Christian' }, by: 'lead B' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const all = await items();
    expect(all.filter((i) => i.id === item.id)).toHaveLength(1);
    const final = all.find((i) => i.id === item.id);
    // Requests are applied in arrival order: the last history line names the winner.
    expect(final.assignee.name).toBe(final.history.at(-1).to.name);
    expect(final.history).toHaveLength(2);
    const reader = connectClient(s.collabUrl, SESSION);
    await reader.synced();
    expect(readSections(reader.doc).find((x) => x.id === TOPIC)!.actions.filter((x) => x.id === item.id)).toHaveLength(1);
  });

  it('the board filters by assignee, status and session, and downloads parse as CSV and iCalendar', async () => {
    const mk = async (sessionId: string, topicId: string, text: string, patch: object) => {
      const created = (await api('POST', `/api/sessions/${sessionId}/action-items`, TEST_ADMIN_TOKEN, { topicId, text, createdBy: 'Mike' })).json;
      expect((await api('PATCH', `/api/sessions/${sessionId}/action-items/${created.id}`, TEST_ADMIN_TOKEN, patch)).status).toBe(200);
      return created.id as string;
    };
    await mk(SESSION, TOPIC, 'Post binderfs patches, with "quotes", commas\nand a newline', { assignee: { name: 'Christian Brauner', email: 'christian@brauner.io' }, due: '2019-10-15' });
    await mk(SESSION, 'adding-a-new-clone-syscall', 'Send clone3 man page', { assignee: { name: 'Christian Brauner' }, status: 'done' });
    await mk('other-mc', 't', 'Something else', { assignee: { name: 'Stéphane Graber' }, due: '2019-11-01', status: 'in-progress' });

    const board = async (query: string) => (await api('GET', `/api/events/lpc2019/followups${query}`, undefined)).json.items.map((i: any) => i.text);
    expect(await board('')).toHaveLength(3);
    expect(await board('?assignee=christian%20brauner')).toHaveLength(2);
    expect(await board('?assignee=christian@brauner.io')).toHaveLength(1);
    expect(await board('?status=done')).toEqual(['Send clone3 man page']);
    expect(await board('?session=other-mc')).toEqual(['Something else']);
    expect((await api('GET', '/api/events/lpc2019/followups?status=bogus', undefined)).status).toBe(400);

    const csvResponse = await fetch(`${s.url}/api/events/lpc2019/followups?format=csv`);
    expect(csvResponse.headers.get('content-type')).toContain('text/csv');
    expect(csvResponse.headers.get('content-disposition')).toContain('lpc2019-followups.csv');
    const rows = parseCsv(await csvResponse.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ item: 'Post binderfs patches, with "quotes", commas\nand a newline', assignee: 'Christian Brauner', email: 'christian@brauner.io', due: '2019-10-15', status: 'open' });

    const icsResponse = await fetch(`${s.url}/api/events/lpc2019/followups?format=ics`);
    expect(icsResponse.headers.get('content-type')).toContain('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(await icsResponse.text()));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toString()]).sort()).toEqual([
      ['Christian Brauner: Post binderfs patches, with "quotes", commas\nand a newline', '2019-10-15'],
      ['Stéphane Graber: Something else', '2019-11-01'],
    ]);
  });
});
