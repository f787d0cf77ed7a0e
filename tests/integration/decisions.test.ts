/** Issue #17: decisions over HTTP (role matrix, hostile input) and over the WebSocket (stock provider). */
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDecision, decisionItemMaps, findSection, readSections, sectionDecisions, type SectionMap } from '../../shared/doc-schema.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
let s: TestServer;
let tokens: Record<'admin' | 'lead' | 'participant' | 'viewer' | 'none' | 'otherLead', string | undefined>;

async function api(method: string, path: string, token: string | undefined, body?: unknown, raw?: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function createToken(role: string): Promise<string> {
  const r = await api('POST', `/api/sessions/${SESSION}/tokens`, TEST_ADMIN_TOKEN, { role });
  expect(r.status).toBe(201);
  return r.json.token;
}

/** The decisions as the server's doc holds them. */
const stored = (): Promise<unknown> => s.app.docs.withDoc(SESSION, (live) => readSections(live.doc).map((section) => section.decisions));

beforeEach(async () => {
  s = await startServer();
  const other = await api('POST', '/api/events/lpc2019/sessions', TEST_ADMIN_TOKEN, { id: 'other-mc', title: 'Other MC', topics: [{ title: 'T' }] });
  tokens = {
    admin: TEST_ADMIN_TOKEN,
    lead: await createToken('lead'),
    participant: await createToken('participant'),
    viewer: await createToken('viewer'),
    none: undefined,
    otherLead: other.json.sessions[0].leadToken,
  };
});

afterEach(async () => {
  destroyAllClients();
  await s.close();
});

describe('decisions over HTTP', () => {
  it('records, retitles and agrees a decision; every client sees it; the list and the export show it', async () => {
    const bob = connectClient(s.collabUrl, SESSION);
    await bob.synced();
    const created = await api('POST', `/api/sessions/${SESSION}/decisions`, tokens.participant, { topicId: TOPIC, text: 'Use binderfs', createdBy: 'Christian' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ text: 'Use binderfs', createdBy: 'Christian', agreedBy: null, agreedAt: null, sessionId: SESSION, topicId: TOPIC });
    expect(created.json.id).toMatch(/^[0-9a-f]{16}$/);
    const id = created.json.id as string;

    const agreed = await api('PATCH', `/api/sessions/${SESSION}/decisions/${id}`, tokens.lead, { agreed: true, text: 'Use binderfs upstream', by: 'Stéphane' });
    expect(agreed.status).toBe(200);
    expect(agreed.json).toMatchObject({ text: 'Use binderfs upstream', agreedBy: 'Stéphane (lead)' });
    expect(Date.parse(agreed.json.agreedAt)).not.toBeNaN();
    const bobSees = () => decisionItemMaps(findSection(bob.doc, TOPIC)!).map((item) => item.toJSON());
    await waitFor(() => bobSees()[0]?.agreedBy === 'Stéphane (lead)', 'the agreement reaches a connected client');

    expect((await api('GET', `/api/sessions/${SESSION}/decisions`, tokens.viewer)).json.decisions).toEqual([agreed.json]);
    const exported = (await api('GET', `/api/sessions/${SESSION}/export?format=json`, tokens.viewer)).json;
    const topic = exported.sessions[0].topics.find((t: { id: string }) => t.id === TOPIC);
    expect(topic.decisions).toEqual([{ id, text: 'Use binderfs upstream', createdBy: 'Christian', createdAt: created.json.createdAt, agreed: true, agreedBy: 'Stéphane (lead)', agreedAt: agreed.json.agreedAt }]);
    const mail = await (await fetch(`${s.url}/api/sessions/${SESSION}/export?format=txt`)).text();
    expect(mail.indexOf('[agreed by Stéphane (lead)] Use binderfs upstream')).toBeLessThan(mail.indexOf('Android containers\n---'));
    const cleared = await api('PATCH', `/api/sessions/${SESSION}/decisions/${id}`, TEST_ADMIN_TOKEN, { agreed: false });
    expect(cleared.json).toMatchObject({ agreedBy: null, agreedAt: null, text: 'Use binderfs upstream' });
    await waitFor(() => bobSees()[0]?.agreedBy === undefined, 'the cleared agreement reaches a connected client');
    // Agreeing twice keeps the first agreement.
    const first = (await api('PATCH', `/api/sessions/${SESSION}/decisions/${id}`, tokens.lead, { agreed: true })).json;
    const again = (await api('PATCH', `/api/sessions/${SESSION}/decisions/${id}`, TEST_ADMIN_TOKEN, { agreed: true })).json;
    expect(again.agreedAt).toBe(first.agreedAt);
    expect(again.agreedBy).toBe(first.agreedBy);
  });

  it('applies the role table to every decision operation and changes nothing when refusing', async () => {
    const seed = (await api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, { topicId: TOPIC, text: 'seed decision' })).json;
    type Op = { name: string; run: (token: string | undefined) => Promise<{ status: number; json: any }> };
    const ops: Op[] = [
      { name: 'read', run: (t) => api('GET', `/api/sessions/${SESSION}/decisions`, t) },
      { name: 'record', run: (t) => api('POST', `/api/sessions/${SESSION}/decisions`, t, { topicId: TOPIC, text: 'recorded' }) },
      { name: 'edit text', run: (t) => api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.id}`, t, { text: `edited by ${t}` }) },
      { name: 'agree', run: (t) => api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.id}`, t, { agreed: true, by: `B ${t}` }) },
      { name: 'unagree', run: (t) => api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.id}`, t, { agreed: false }) },
      { name: 'edit and agree', run: (t) => api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.id}`, t, { text: `both by ${t}`, agreed: true }) },
    ];
    // none = anonymous on an open event = participant.
    const allowed: Record<keyof typeof tokens, string[]> = {
      admin: ops.map((o) => o.name),
      lead: ops.map((o) => o.name),
      participant: ['read', 'record', 'edit text'],
      none: ['read', 'record', 'edit text'],
      viewer: ['read'],
      otherLead: [],
    };
    for (const [role, token] of Object.entries(tokens) as Array<[keyof typeof tokens, string | undefined]>) {
      for (const op of ops) {
        const before = JSON.stringify(await stored());
        const result = await op.run(token);
        const label = `${role} → ${op.name}`;
        if (allowed[role].includes(op.name)) {
          expect(result.status, label).toBeGreaterThanOrEqual(200);
          expect(result.status, label).toBeLessThan(300);
        } else {
          expect([401, 403], label).toContain(result.status);
          expect(['FORBIDDEN', 'UNAUTHORIZED'], label).toContain(result.json.error.code);
          expect(JSON.stringify(await stored()), label).toBe(before);
        }
      }
    }
  });

  it('refuses hostile input with clear codes and changes nothing', async () => {
    const seed = (await api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, { topicId: TOPIC, text: 'seed' })).json;
    const before = JSON.stringify(await stored());
    const cases: Array<[string, () => Promise<{ status: number; json: any }>, number, string]> = [
      ['bad JSON', () => api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, undefined, '{"topicId": '), 400, 'BAD_REQUEST'],
      ['no text', () => api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, { topicId: TOPIC }), 400, 'VALIDATION_FAILED'],
      ['empty text', () => api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, { topicId: TOPIC, text: '' }), 400, 'VALIDATION_FAILED'],
      ['oversize text', () => api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, { topicId: TOPIC, text: 'x'.repeat(2001) }), 400, 'VALIDATION_FAILED'],
      ['unknown topic', () => api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, { topicId: 'nope', text: 'x' }), 404, 'NOT_FOUND'],
      ['topic path trick', () => api('POST', `/api/sessions/${SESSION}/decisions`, TEST_ADMIN_TOKEN, { topicId: '../etc', text: 'x' }), 400, 'VALIDATION_FAILED'],
      ['unknown session', () => api('POST', '/api/sessions/no-such-mc/decisions', TEST_ADMIN_TOKEN, { topicId: TOPIC, text: 'x' }), 404, 'SESSION_NOT_FOUND'],
      ['unknown decision', () => api('PATCH', `/api/sessions/${SESSION}/decisions/nope`, TEST_ADMIN_TOKEN, { text: 'x' }), 404, 'NOT_FOUND'],
      ['decision id path trick', () => api('PATCH', `/api/sessions/${SESSION}/decisions/..%2F..%2Fmeta`, TEST_ADMIN_TOKEN, { text: 'x' }), 400, 'VALIDATION_FAILED'],
      ['empty patch', () => api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.id}`, TEST_ADMIN_TOKEN, {}), 400, 'VALIDATION_FAILED'],
      ['agreed not a boolean', () => api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.id}`, TEST_ADMIN_TOKEN, { agreed: 'yes' }), 400, 'VALIDATION_FAILED'],
      ['token in the URL', () => api('POST', `/api/sessions/${SESSION}/decisions?token=${TEST_ADMIN_TOKEN}`, undefined, { topicId: TOPIC, text: 'x' }), 400, 'TOKEN_IN_URL'],
    ];
    const results: string[] = [];
    for (const [name, run] of cases) {
      const result = await run();
      results.push(`${name}: ${result.status} ${result.json?.error?.code}`);
    }
    expect(results).toEqual(cases.map(([name, , status, code]) => `${name}: ${status} ${code}`));
    expect(JSON.stringify(await stored())).toBe(before);
    // Fields the schema does not know are dropped by the validator (the API's rule), never stored.
    await api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.id}`, tokens.participant, { text: 'seed', agreedBy: 'Mallory', agreedAt: '2019-01-01T00:00:00Z' });
    const recorded = await api('POST', `/api/sessions/${SESSION}/decisions`, tokens.participant, { topicId: TOPIC, text: 'x', agreedBy: 'Mallory' });
    expect(recorded.json.agreedBy).toBeNull();
    expect(JSON.stringify(await stored())).not.toContain('Mallory');
  });
});

/** The close events a stock provider received. */
function closes(client: TestClient): number[] {
  const seen: number[] = [];
  client.provider.on('connection-close', (event) => {
    if (event) seen.push(event.code);
  });
  return seen;
}

describe('decisions over the WebSocket', () => {
  it('a participant records and retitles a decision with the stock provider; the server keeps it', async () => {
    const alice = connectClient(s.collabUrl, SESSION, { params: { token: tokens.participant! } });
    await alice.synced();
    const section = findSection(alice.doc, TOPIC)!;
    addDecision(section, { id: 'ws-decision-1', text: 'Keep the ABI', createdBy: 'Alice', createdAt: new Date().toISOString() });
    decisionItemMaps(section)[0]!.set('text', 'Keep the binder ABI');
    await waitFor(async () => JSON.stringify(await stored()).includes('Keep the binder ABI'), 'the decision to reach the server');
    expect(alice.provider.wsconnected).toBe(true);
  });

  it.each<[string, (section: SectionMap) => void]>([
    ['agreeing a decision', (section) => decisionItemMaps(section)[0]!.set('agreedBy', 'Mallory')],
    ['clearing an agreement', (section) => decisionItemMaps(section)[0]!.delete('agreedAt')],
    ['recording a decision already agreed', (section) => {
      const item = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({ id: 'pre-agreed', text: 'x', createdBy: 'M', createdAt: '2019-09-10T10:00:00Z', agreedBy: 'M', agreedAt: '2019-09-10T10:00:00Z' })) item.set(key, value);
      sectionDecisions(section)!.push([item]);
    }],
    ['a decision with missing fields', (section) => {
      const item = new Y.Map<unknown>();
      item.set('id', 'half');
      sectionDecisions(section)!.push([item]);
    }],
    ['changing a decision id', (section) => decisionItemMaps(section)[0]!.set('id', 'stolen')],
    ['changing who recorded it', (section) => decisionItemMaps(section)[0]!.set('createdBy', 'Mallory')],
    ['deleting a decision', (section) => sectionDecisions(section)!.delete(0, 1)],
    ['a non-map entry', (section) => sectionDecisions(section)!.push(['x'])],
  ])('refuses %s over the WebSocket, with the doc unchanged', async (_name, change) => {
    const seed = await api('POST', `/api/sessions/${SESSION}/decisions`, tokens.lead, { topicId: TOPIC, text: 'seed' });
    await api('PATCH', `/api/sessions/${SESSION}/decisions/${seed.json.id}`, tokens.lead, { agreed: true });
    const before = JSON.stringify(await stored());
    const mallory = connectClient(s.collabUrl, SESSION, { params: { token: tokens.participant! } });
    const seen = closes(mallory);
    await mallory.synced();
    change(findSection(mallory.doc, TOPIC)!);
    await waitFor(() => seen.length > 0, 'the sender to be closed');
    expect(seen[0]).toBe(CloseCode.BAD_MESSAGE);
    expect(JSON.stringify(await stored())).toBe(before);
  });
});
