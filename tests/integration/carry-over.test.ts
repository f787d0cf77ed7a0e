/**
 * Issue #17 items 3: a session's predecessor (set on import or by a lead/admin) and carrying its
 * open follow-ups over, over the real server with real clients: roles, hostile input, the links
 * both ways, "carried twice" (also concurrently), and one person's follow-ups across events.
 */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFollowups } from '../../shared/followups.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PRED = 'containers-cr';
const NEXT = 'containers-2020';
let s: TestServer;
let topicId: string;
let topicTitle: string;
let tokens: Record<'admin' | 'lead' | 'participant' | 'viewer' | 'none' | 'otherLead' | 'predLead', string | undefined>;

async function api(method: string, path: string, token: string | undefined, body?: unknown, raw?: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function token(sessionId: string, role: string): Promise<string> {
  const r = await api('POST', `/api/sessions/${sessionId}/tokens`, TEST_ADMIN_TOKEN, { role });
  expect(r.status).toBe(201);
  return r.json.token;
}

/** An assigned follow-up in the predecessor; returns its id. */
async function predItem(text: string, assignee = 'Demo person', status = 'open'): Promise<string> {
  const created = await api('POST', `/api/sessions/${PRED}/action-items`, TEST_ADMIN_TOKEN, { topicId, text });
  expect(created.status).toBe(201);
  const assigned = await api('PATCH', `/api/sessions/${PRED}/action-items/${created.json.id}`, TEST_ADMIN_TOKEN, { assignee: { name: assignee }, due: '2020-08-01', status });
  expect(assigned.status).toBe(200);
  return created.json.id;
}

const items = async (sessionId: string): Promise<any[]> => (await api('GET', `/api/sessions/${sessionId}/action-items`, TEST_ADMIN_TOKEN)).json.items;

beforeEach(async () => {
  s = await startServer();
  const pred = (await api('GET', `/api/sessions/${PRED}`, TEST_ADMIN_TOKEN)).json;
  topicId = pred.topics[1].id;
  topicTitle = pred.topics[1].title;
  // The follow-on names its predecessor on import (JSON, string form) and has one topic of the same title, spaced and cased differently.
  const imported = await api('POST', '/api/events/lpc2020/sessions', TEST_ADMIN_TOKEN, {
    id: NEXT,
    title: 'Containers MC 2020',
    previous: `lpc2019/${PRED}`,
    topics: [{ title: `  ${topicTitle.toUpperCase().replace(/ /g, '   ')} ` }, { title: 'Something new' }],
  });
  expect(imported.status).toBe(201);
  const other = await api('POST', '/api/events/lpc2020/sessions', TEST_ADMIN_TOKEN, { id: 'other-mc', title: 'Other MC', topics: [{ title: 'T' }] });
  tokens = {
    admin: TEST_ADMIN_TOKEN,
    lead: imported.json.sessions[0].leadToken,
    participant: await token(NEXT, 'participant'),
    viewer: await token(NEXT, 'viewer'),
    none: undefined,
    otherLead: other.json.sessions[0].leadToken,
    predLead: await token(PRED, 'lead'),
  };
});

afterEach(async () => {
  await s.close();
});

describe('previous session', () => {
  it('is set on import and shown on the session', async () => {
    expect((await api('GET', `/api/sessions/${NEXT}`, undefined)).json.previous).toEqual({ eventId: 'lpc2019', sessionId: PRED });
    expect((await api('GET', `/api/sessions/${PRED}`, undefined)).json.previous).toBeUndefined();
  });

  it('is set by the admin or the session lead only; refusals change nothing', async () => {
    const body = { previous: null };
    const allowed = new Set(['admin', 'lead']);
    for (const [role, t] of Object.entries(tokens)) {
      const r = await api('PUT', `/api/sessions/${NEXT}/previous`, t, body);
      if (allowed.has(role)) {
        expect(r.status, role).toBe(200);
        expect(r.json).toEqual({ sessionId: NEXT, previous: null });
        const back = await api('PUT', `/api/sessions/${NEXT}/previous`, TEST_ADMIN_TOKEN, { previous: { eventId: 'lpc2019', sessionId: PRED } });
        expect(back.status).toBe(200);
      } else {
        expect(r.status, role).toBe(403);
        expect(r.json.error.code).toBe('FORBIDDEN');
      }
      expect((await api('GET', `/api/sessions/${NEXT}`, undefined)).json.previous, role).toEqual({ eventId: 'lpc2019', sessionId: PRED });
    }
  });

  it('refuses unknown targets, itself, cycles and hostile bodies with clear codes', async () => {
    const put = (body: unknown, sessionId = NEXT, raw?: string) => api('PUT', `/api/sessions/${sessionId}/previous`, TEST_ADMIN_TOKEN, body, raw);
    const cases: Array<[string, Promise<{ status: number; json: any }>, number, string]> = [
      ['unknown session', put({ previous: { eventId: 'lpc2019', sessionId: 'nope' } }), 404, 'SESSION_NOT_FOUND'],
      ['wrong event', put({ previous: { eventId: 'lpc2020', sessionId: PRED } }), 404, 'SESSION_NOT_FOUND'],
      ['itself', put({ previous: { eventId: 'lpc2020', sessionId: NEXT } }), 400, 'BAD_REQUEST'],
      ['cycle', put({ previous: { eventId: 'lpc2020', sessionId: NEXT } }, PRED), 400, 'BAD_REQUEST'],
      ['unknown route session', put({ previous: null }, 'no-such'), 404, 'SESSION_NOT_FOUND'],
      ['path trick', put({ previous: { eventId: '..', sessionId: '../etc' } }), 400, 'VALIDATION_FAILED'],
      ['string form over HTTP', put({ previous: 'lpc2019/containers-cr' }), 400, 'VALIDATION_FAILED'],
      ['wrong type', put({ previous: 42 }), 400, 'VALIDATION_FAILED'],
      ['missing', put({}), 400, 'VALIDATION_FAILED'],
      ['bad JSON', put(undefined, NEXT, '{"previous":'), 400, 'BAD_REQUEST'],
      ['oversize id', put({ previous: { eventId: 'lpc2019', sessionId: 'x'.repeat(10_000) } }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, pending, status, code] of cases) {
      const r = await pending;
      expect(r.status, name).toBe(status);
      expect(r.json.error.code, name).toBe(code);
    }
    expect((await api('GET', `/api/sessions/${NEXT}`, undefined)).json.previous).toEqual({ eventId: 'lpc2019', sessionId: PRED });
    expect((await api('GET', `/api/sessions/${PRED}`, undefined)).json.previous).toBeUndefined();
  });

  it('an import naming an unknown predecessor or itself is refused whole', async () => {
    const unknown = await api('POST', '/api/events/lpc2021/sessions', TEST_ADMIN_TOKEN, { id: 'c-2021', title: 'C', previous: 'lpc2020/nope', topics: [] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('SESSION_NOT_FOUND');
    const self = await api('POST', '/api/events/lpc2021/sessions', TEST_ADMIN_TOKEN, { id: 'c-2021', title: 'C', previous: { eventId: 'lpc2021', sessionId: 'c-2021' }, topics: [] });
    expect(self.status).toBe(400);
    expect(self.json.error.code).toBe('IMPORT_INVALID');
    const malformed = await api('POST', '/api/events/lpc2021/sessions', TEST_ADMIN_TOKEN, { id: 'c-2021', title: 'C', previous: 'no-slash', topics: [] });
    expect(malformed.status).toBe(400);
    expect((await api('GET', '/api/events/lpc2021', TEST_ADMIN_TOKEN)).status).toBe(404);
    // A Markdown outline's "Previous:" line, the predecessor in the same import.
    const outline = ['# First', '', '- A', '', '# Second', 'Previous: lpc2021/first', '', '- B', ''].join('\n');
    const response = await fetch(`${s.url}/api/events/lpc2021/sessions?format=markdown`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' }, body: outline });
    expect(response.status).toBe(201);
    expect((await api('GET', '/api/sessions/second', undefined)).json.previous).toEqual({ eventId: 'lpc2021', sessionId: 'first' });
  });
});

describe('carry-over', () => {
  it('lists open and in-progress follow-ups only, and carries one into the topic of the same title, linked both ways', async () => {
    const open = await predItem('(test) Post the series', 'Demo person', 'in-progress');
    const done = await predItem('(test) Already done', 'Demo person', 'done');
    const listed = await api('GET', `/api/sessions/${NEXT}/carry-over`, tokens.viewer);
    expect(listed.status).toBe(200);
    expect(listed.json.previous).toMatchObject({ eventId: 'lpc2019', sessionId: PRED });
    expect(listed.json.items.map((i: any) => i.id)).toContain(open);
    expect(listed.json.items.map((i: any) => i.id)).not.toContain(done);

    const carried = await api('POST', `/api/sessions/${NEXT}/carry-over`, tokens.lead, { actionId: open, by: 'Ada' });
    expect(carried.status).toBe(201);
    expect(carried.json.createdBy).toBe('Ada (lead)');
    const next = (await api('GET', `/api/sessions/${NEXT}`, undefined)).json;
    expect(carried.json).toMatchObject({
      text: '(test) Post the series',
      assignee: { name: 'Demo person' },
      due: '2020-08-01',
      status: 'open',
      eventId: 'lpc2020',
      sessionId: NEXT,
      topicId: next.topics[0].id,
      carriedFrom: { eventId: 'lpc2019', sessionId: PRED, actionId: open },
    });
    const original = (await items(PRED)).find((i) => i.id === open);
    expect(original.carriedTo).toEqual({ eventId: 'lpc2020', sessionId: NEXT, actionId: carried.json.id });
    expect((await api('GET', `/api/sessions/${NEXT}/carry-over`, undefined)).json.items.find((i: any) => i.id === open).carriedTo.actionId).toBe(carried.json.id);

    // Twice: refused, and nothing new appears.
    const again = await api('POST', `/api/sessions/${NEXT}/carry-over`, tokens.admin, { actionId: open });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('ALREADY_CARRIED');
    expect((await items(NEXT)).length).toBe(1);

    // Exports say what was carried (both ends) and what was closed.
    const text = async (path: string): Promise<string> => (await fetch(`${s.url}${path}`)).text();
    const predMd = await text(`/api/sessions/${PRED}/export?format=md`);
    expect(predMd).toContain(`carried to lpc2020/${NEXT}`);
    expect(predMd).toMatch(/\*\*done\*\*: \(test\) Already done/);
    expect(await text(`/api/sessions/${NEXT}/export?format=txt`)).toContain(`from lpc2019/${PRED}`);
    expect(await text(`/api/events/lpc2020/export?format=html`)).toContain(`from lpc2019/${PRED}`);
    const json = JSON.parse(await text(`/api/sessions/${PRED}/export?format=json`));
    const exported = json.sessions[0].topics.flatMap((t: any) => t.actions).find((a: any) => a.id === open);
    expect(exported.carriedTo).toBe(`lpc2020/${NEXT}`);

    // A person's follow-ups across events: both, each with its link.
    const person = await api('GET', `/api/followups?assignee=${encodeURIComponent('demo PERSON')}&status=in-progress`, undefined);
    expect(person.status).toBe(200);
    expect(person.json.items.map((i: any) => [i.eventId, i.id])).toEqual([['lpc2019', open]]);
    const all = await api('GET', `/api/followups?assignee=${encodeURIComponent('Demo person')}`, tokens.viewer);
    expect(all.json.items.map((i: any) => i.eventId).sort()).toEqual(['lpc2019', 'lpc2019', 'lpc2020']);
  });

  it('the predecessor, the links and the once-only record survive a restart', async () => {
    const id = await predItem('(test) durable');
    const carried = await api('POST', `/api/sessions/${NEXT}/carry-over`, TEST_ADMIN_TOKEN, { actionId: id });
    expect(carried.status).toBe(201);
    await s.stop();
    s = await startServer({ dataDir: s.dataDir });
    expect((await api('GET', `/api/sessions/${NEXT}`, undefined)).json.previous).toEqual({ eventId: 'lpc2019', sessionId: PRED });
    expect((await items(PRED)).find((i) => i.id === id).carriedTo.actionId).toBe(carried.json.id);
    expect((await items(NEXT))[0].carriedFrom).toEqual({ eventId: 'lpc2019', sessionId: PRED, actionId: id });
    const again = await api('POST', `/api/sessions/${NEXT}/carry-over`, TEST_ADMIN_TOKEN, { actionId: id });
    expect(again.json.error.code).toBe('ALREADY_CARRIED');
  });

  it('two concurrent carries of one item make one item and one 409', async () => {
    const id = await predItem('(test) Race me');
    const results = await Promise.all([0, 1, 2].map(() => api('POST', `/api/sessions/${NEXT}/carry-over`, TEST_ADMIN_TOKEN, { actionId: id })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.json.error.code === 'ALREADY_CARRIED')).toBe(true);
    const created = await items(NEXT);
    expect(created.length).toBe(1);
    expect((await items(PRED)).find((i) => i.id === id).carriedTo.actionId).toBe(created[0].id);
  });

  it('without a topic of the same title, the item goes to a "From last time" topic, added once', async () => {
    await api('PUT', `/api/sessions/other-mc/previous`, TEST_ADMIN_TOKEN, { previous: { eventId: 'lpc2019', sessionId: PRED } });
    const a = await predItem('(test) first');
    const b = await predItem('(test) second');
    const [ra, rb] = await Promise.all([a, b].map((actionId) => api('POST', '/api/sessions/other-mc/carry-over', TEST_ADMIN_TOKEN, { actionId })));
    expect([ra!.status, rb!.status]).toEqual([201, 201]);
    const session = (await api('GET', '/api/sessions/other-mc', undefined)).json;
    const fallback = session.topics.filter((t: any) => t.title === 'From last time');
    expect(fallback.length).toBe(1);
    expect(ra!.json.topicId).toBe(fallback[0].id);
    expect(rb!.json.topicId).toBe(fallback[0].id);
  });

  it('is done by the admin or the session lead only; refusals create nothing and link nothing', async () => {
    const id = await predItem('(test) roles');
    for (const role of ['participant', 'viewer', 'none', 'otherLead', 'predLead'] as const) {
      const r = await api('POST', `/api/sessions/${NEXT}/carry-over`, tokens[role], { actionId: id });
      expect(r.status, role).toBe(403);
      expect(r.json.error.code, role).toBe('FORBIDDEN');
    }
    expect(await items(NEXT)).toEqual([]);
    expect((await items(PRED)).find((i) => i.id === id).carriedTo).toBeUndefined();
    // Reading is for anyone who reads the session; another session's lead is refused.
    expect((await api('GET', `/api/sessions/${NEXT}/carry-over`, tokens.participant)).status).toBe(200);
    expect((await api('GET', `/api/sessions/${NEXT}/carry-over`, tokens.otherLead)).status).toBe(403);
    const lead = await api('POST', `/api/sessions/${NEXT}/carry-over`, tokens.lead, { actionId: id });
    expect(lead.status).toBe(201);
  });

  it('refuses hostile and impossible requests with clear codes', async () => {
    const closed = await predItem('(test) dropped', 'Demo person', 'dropped');
    const post = (body: unknown, sessionId = NEXT, raw?: string) => api('POST', `/api/sessions/${sessionId}/carry-over`, TEST_ADMIN_TOKEN, body, raw);
    const cases: Array<[string, Promise<{ status: number; json: any }>, number, string]> = [
      ['unknown item', post({ actionId: 'nope' }), 404, 'NOT_FOUND'],
      ['closed item', post({ actionId: closed }), 400, 'BAD_REQUEST'],
      ['no predecessor', post({ actionId: closed }, PRED), 400, 'BAD_REQUEST'],
      ['unknown session', post({ actionId: closed }, 'no-such'), 404, 'SESSION_NOT_FOUND'],
      ['path trick', post({ actionId: '../../etc/passwd' }), 400, 'VALIDATION_FAILED'],
      ['oversize', post({ actionId: 'a'.repeat(100_000) }), 400, 'VALIDATION_FAILED'],
      ['wrong type', post({ actionId: { id: closed } }), 400, 'VALIDATION_FAILED'],
      ['array body', post([closed]), 400, 'VALIDATION_FAILED'],
      ['bad JSON', post(undefined, NEXT, '{"actionId":'), 400, 'BAD_REQUEST'],
    ];
    for (const [name, pending, status, code] of cases) {
      const r = await pending;
      expect(r.status, name).toBe(status);
      expect(r.json.error.code, name).toBe(code);
    }
    expect(await items(NEXT)).toEqual([]);
    expect((await api('GET', '/api/followups', undefined)).status).toBe(400);
    expect((await api('GET', '/api/followups?assignee=x', 'not-a-token')).status).toBe(403);
  });

  it("a person's list across events is an expensive read, rate-limited per address", async () => {
    await s.close();
    s = await startServer({ maxExpensiveReadsPerMinute: 2 });
    for (let i = 0; i < 2; i++) expect((await api('GET', '/api/followups?assignee=x', undefined)).status).toBe(200);
    const refused = await api('GET', '/api/followups?assignee=x', undefined);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('RATE_LIMITED');
  });

  it('a crafted carry-over link over the WebSocket is refused and never reaches others', async () => {
    const id = await predItem('(test) crafted');
    const crafted = new Y.Doc();
    const lead = new WebsocketProvider(s.collabUrl, `${PRED}/state`, crafted, { WebSocketPolyfill: WebSocket as any, disableBc: true, params: { token: tokens.predLead! } });
    const watcherDoc = new Y.Doc();
    const watcher = new WebsocketProvider(s.collabUrl, `${PRED}/state`, watcherDoc, { WebSocketPolyfill: WebSocket as any, disableBc: true });
    const warned: string[] = [];
    const originalWarn = console.warn;
    try {
      await waitFor(() => lead.synced && watcher.synced && readFollowups(crafted).has(id), 'state docs to sync');
      console.warn = (...args: unknown[]) => warned.push(args.join(' '));
      crafted.getMap<Y.Map<unknown>>('followups').get(id)!.set('carriedTo', { eventId: 'lpc2020', sessionId: NEXT, actionId: 'forged' });
      await waitFor(() => warned.some((line) => line.includes('read-only')), 'the crafting lead to be told');
    } finally {
      console.warn = originalWarn;
      lead.destroy();
      watcher.destroy();
    }
    expect(readFollowups(watcherDoc).get(id)!.carriedTo).toBeUndefined();
    expect((await items(PRED)).find((i) => i.id === id).carriedTo).toBeUndefined();
    expect((await api('POST', `/api/sessions/${NEXT}/carry-over`, TEST_ADMIN_TOKEN, { actionId: id })).status).toBe(201);
  });
});
