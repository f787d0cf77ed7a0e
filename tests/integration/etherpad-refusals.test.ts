/**
 * Issue #16's ways to write, as every caller that may not use them and as a hostile client would:
 * pad import (admin or lead only), the pad alias table (admin only) and the Etherpad API's writes
 * (the API key only; getReadOnlyID, which creates a viewer link, too). Each refusal leaves the notes,
 * the topic list, the alias table and the session's links as they were.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, sessionLink } from '../helpers/session-api.ts';
import { serverPool, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';

const KEY = 'etherpad-test-key-0123456789';
const SESSION = 'containers-cr';
const TOPIC_PAD = 'containers-cr.android-containers';
const pool = serverPool();
let s: TestServer;
let tokens: Record<'participant' | 'viewer' | 'lead' | 'otherLead', string>;

const tokenOf = (link: string): string => new URL(link, 'http://x').searchParams.get('token')!;

/** What a refused write must leave untouched: the notes, the topics and the aliases. */
async function state(): Promise<string> {
  const notes = await (await fetch(`${s.url}/api/sessions/${SESSION}/export?format=md`)).text();
  const topics = (await api(s, 'GET', `/api/sessions/${SESSION}`)).json.topics.map((t: { id: string }) => t.id);
  const aliases = (await api(s, 'GET', '/api/etherpad/aliases')).json;
  // getReadOnlyID creates the session's read-only viewer link: a refused call must not.
  const links = (await api(s, 'GET', `/api/sessions/${SESSION}/tokens`)).json.tokens.map((t: { id: string; revokedAt?: string }) => [t.id, t.revokedAt ?? null]);
  return JSON.stringify({ notes, topics, aliases, links });
}

beforeAll(async () => {
  s = await pool.start({ etherpadApiKey: KEY, etherpadDefaultEvent: 'lpc2019', padImportMaxBytes: 64 * 1024 });
  const other = await api(s, 'POST', '/api/events/lpc2019/sessions', { id: 'other-mc', title: 'Other MC', topics: [{ title: 'T' }] });
  tokens = {
    participant: tokenOf(await sessionLink(s, SESSION, 'participant')),
    viewer: tokenOf(await sessionLink(s, SESSION, 'viewer')),
    lead: tokenOf(await sessionLink(s, SESSION, 'lead')),
    otherLead: other.json.sessions[0].leadToken,
  };
});
afterAll(() => pool.closeAll());

describe('refused writes change nothing', () => {
  it('pad import: participant, viewer, another session\'s lead and anonymous get 401/403; hostile bodies 400/413/415', async () => {
    const pad = await readFile(path.join(import.meta.dirname, '../fixtures/etherpad/lpc2019-containers-cr.etherpad'), 'utf8');
    const before = await state();
    const post = (body: string, type: string, token?: string) =>
      fetch(`${s.url}/api/sessions/${SESSION}/import-pad`, { method: 'POST', headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
    for (const [who, token] of [['participant', tokens.participant], ['viewer', tokens.viewer], ['other lead', tokens.otherLead], ['anonymous', undefined]] as const) {
      expect([401, 403], who).toContain((await post(pad, 'application/json', token)).status);
    }
    const hostile: Array<[string, string, string]> = [
      ['a JSON array', '[1,2,3]', 'application/json'],
      ['a pad record of the wrong shape', '{"pad:x": {"atext": "nope"}}', 'application/json'],
      ['truncated JSON', pad.slice(0, pad.length / 2), 'application/json'],
      ['a body past PAD_IMPORT_MAX_BYTES', 'x'.repeat(200 * 1024), 'text/plain'],
      ['an unknown content type', 'hello', 'application/x-shockwave-flash'],
    ];
    for (const [what, body, type] of hostile) expect([400, 413, 415], what).toContain((await post(body, type, TEST_ADMIN_TOKEN)).status);
    expect(await state()).toBe(before);
  });

  it('pad aliases: lead, participant, viewer and anonymous may not set or remove one; bad names and targets are 400/404', async () => {
    expect((await api(s, 'PUT', '/api/etherpad/aliases/kept-name', { padId: SESSION })).status).toBe(200);
    const before = await state();
    for (const token of [tokens.lead, tokens.participant, tokens.viewer, '']) {
      const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const put = await fetch(`${s.url}/api/etherpad/aliases/stolen`, { method: 'PUT', headers, body: JSON.stringify({ padId: SESSION }) });
      expect([401, 403]).toContain(put.status);
      const del = await fetch(`${s.url}/api/etherpad/aliases/kept-name`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect([401, 403]).toContain(del.status);
    }
    expect((await api(s, 'PUT', '/api/etherpad/aliases/no-target', { padId: 'no-such-session' })).status).toBe(404);
    expect((await api(s, 'PUT', '/api/etherpad/aliases/wrong-shape', { padId: { nested: true } })).status).toBe(400);
    expect((await api(s, 'PUT', `/api/etherpad/aliases/${'x'.repeat(5000)}`, { padId: SESSION })).status).toBeGreaterThanOrEqual(400);
    expect(await state()).toBe(before);
  });

  it('Etherpad writes: no key, a wrong key or a session link get code 4; bad parameters code 1; repeated refusals change nothing', async () => {
    const before = await state();
    const call = async (fn: string, params: Record<string, string>, headers: Record<string, string> = {}) => {
      const response = await fetch(`${s.url}/api/1.3.0/${fn}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params) });
      return { status: response.status, body: (await response.json()) as { code: number } };
    };
    const writes: Array<[string, Record<string, string>]> = [
      ['appendText', { padID: TOPIC_PAD, text: 'intruder' }],
      ['setText', { padID: TOPIC_PAD, text: 'intruder' }],
      ['createPad', { padID: 'intruder-pad', text: 'intruder' }],
      ['getReadOnlyID', { padID: SESSION }],
    ];
    for (const [fn, params] of writes) {
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await call(fn, params)).body.code).toBe(4);
        expect((await call(fn, { ...params, apikey: 'wrong-key-0123456789abcdef' })).body.code).toBe(4);
        expect((await call(fn, params, { authorization: `Bearer ${tokens.lead}` })).body.code).toBe(4);
      }
    }
    const bad: Array<[string, Record<string, string>]> = [
      ['appendText', { padID: TOPIC_PAD }],
      ['appendText', { padID: 'no-such-session.topic', text: 'x' }],
      ['setText', { padID: SESSION, text: 'a session pad is not one text' }],
      ['createPad', { padID: SESSION, text: 'already exists' }],
      ['createPad', { padID: 'has$dollar', text: 'x' }],
      ['getReadOnlyID', { padID: 'no-such-session' }],
      ['getReadOnlyID', { padID: `${SESSION}.no-such-topic` }],
      ['getPadID', { roID: 'r.00000000000000000000000000000000' }],
      ['getPadID', { roID: '../../etc/passwd' }],
    ];
    for (const [fn, params] of bad) expect((await call(fn, { ...params, apikey: KEY })).body.code, `${fn} ${JSON.stringify(params)}`).toBe(1);
    expect(await state()).toBe(before);

    // An archived session (issue #15) is read-only for bots too: code 1, nothing written.
    expect((await api(s, 'PUT', `/api/sessions/${SESSION}/archived`, { archived: true })).status).toBe(200);
    const archived = await state();
    for (const [fn, params] of writes.slice(0, 2)) expect((await call(fn, { ...params, apikey: KEY })).body.code, `${fn} on an archived pad`).toBe(1);
    expect(await state()).toBe(archived);
    expect((await api(s, 'PUT', `/api/sessions/${SESSION}/archived`, { archived: false })).status).toBe(200);
  });
});
