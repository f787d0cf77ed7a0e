import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addActionItem, sectionActions, sectionNotes, topicSections, type SectionMap } from '../../shared/doc-schema.ts';
import { buildTemplateUpdate } from '../../shared/topic-template.ts';
import { notesSchemaGuard, serverOnlyGuard } from '../../server/docs/schema-guard.ts';

const TOPICS = [
  { id: 'shiftfs', title: 'shiftfs' },
  { id: 'pidfd', title: 'pidfd' },
];

/** A server doc from the template with one action item, and a client synced with it. */
function setup(): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc();
  Y.applyUpdate(server, buildTemplateUpdate(TOPICS));
  addActionItem(topicSections(server).get(0) as SectionMap, { id: 'a1', text: 'send patch', createdBy: 'Server', createdAt: '2019-09-10T10:00:00Z' });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

type Outcome = string | null;

/** Runs `change` on the client, checks what it sends with the guard (as a live update and as a
 *  resync's step 2), applies it to the server when allowed, and returns the refused rule or null. */
function attempt(docs: { server: Y.Doc; client: Y.Doc }, change: (client: Y.Doc) => void): Outcome {
  const updates: Uint8Array[] = [];
  const record = (update: Uint8Array): void => void updates.push(update);
  docs.client.on('update', record);
  change(docs.client);
  docs.client.off('update', record);
  const live = updates.length === 0 ? null : Y.mergeUpdates(updates);
  const resync = Y.encodeStateAsUpdate(docs.client, Y.encodeStateVector(docs.server));
  const liveOutcome = live ? notesSchemaGuard(docs.server, Y.decodeUpdate(live))?.rule ?? null : null;
  const resyncOutcome = notesSchemaGuard(docs.server, Y.decodeUpdate(resync))?.rule ?? null;
  expect(resyncOutcome).toBe(liveOutcome);
  if (liveOutcome === null) Y.applyUpdate(docs.server, resync);
  return liveOutcome;
}

const section = (doc: Y.Doc, index = 0) => topicSections(doc).get(index) as SectionMap;
const notes = (doc: Y.Doc, index = 0) => sectionNotes(section(doc, index))!;
const actions = (doc: Y.Doc, index = 0) => sectionActions(section(doc, index)) as Y.Array<Y.Map<unknown>>;

function actionMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) map.set(key, value);
  return map;
}

const validAction = (id: string) => ({ id, text: 'review', done: false, createdBy: 'Alice', createdAt: '2019-09-10T10:05:00.000Z' });

describe('schema guard: what clients may write', () => {
  it('allows typing and deleting notes text, also in a resync after many edits', () => {
    const docs = setup();
    expect(attempt(docs, (c) => notes(c).insert(0, 'Christian: shiftfs status'))).toBeNull();
    expect(attempt(docs, (c) => notes(c).delete(0, 11))).toBeNull();
    expect(attempt(docs, (c) => notes(c, 1).insert(0, 'pidfd_open lands in 5.3'))).toBeNull();
    expect(notes(docs.server).toString()).toBe('shiftfs status');
    expect(notes(docs.server, 1).toString()).toBe('pidfd_open lands in 5.3');
  });

  it('allows two writers typing concurrently into the same notes', () => {
    const docs = setup();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(docs.server));
    notes(other).insert(0, 'from Bob ');
    const fromBob = Y.encodeStateAsUpdate(other, Y.encodeStateVector(docs.server));
    expect(attempt(docs, (c) => notes(c).insert(0, 'from Alice '))).toBeNull();
    expect(notesSchemaGuard(docs.server, Y.decodeUpdate(fromBob))).toBeNull();
    Y.applyUpdate(docs.server, fromBob);
    expect(notes(docs.server).toString()).toContain('from Bob');
  });

  it('allows capturing action items as the client does, and editing their text and done', () => {
    const docs = setup();
    expect(attempt(docs, (c) => addActionItem(section(c), { ...validAction('b2'), createdBy: 'Alice' }))).toBeNull();
    expect(attempt(docs, (c) => actions(c).get(1).set('text', 'review v2'))).toBeNull();
    expect(attempt(docs, (c) => actions(c).get(0).set('done', true))).toBeNull();
    expect(attempt(docs, (c) => actions(c).get(0).set('done', false))).toBeNull();
    expect(actions(docs.server).get(1).get('text')).toBe('review v2');
  });

  it('allows an item captured and edited offline, sent as one update', () => {
    const docs = setup();
    const outcome = attempt(docs, (c) => {
      addActionItem(section(c), validAction('off1'));
      actions(c).get(1).set('text', 'edited before sync');
      actions(c).get(1).set('done', true);
    });
    expect(outcome).toBeNull();
    expect(actions(docs.server).get(1).get('text')).toBe('edited before sync');
  });

  it.each<[string, (c: Y.Doc) => void, string]>([
    ['a string pushed into topics', (c) => topicSections(c).push(['x' as never]), 'section-added'],
    ['a new section', (c) => topicSections(c).push([new Y.Map()]), 'section-added'],
    ['a section removed', (c) => topicSections(c).delete(1), 'section-removed'],
    ['a heading renamed', (c) => section(c).set('title', 'pwned'), 'section-field'],
    ['a topic id changed', (c) => section(c).set('id', 'other'), 'section-field'],
    ['notes replaced by a string', (c) => section(c).set('notes', 'plain'), 'section-field'],
    ['actions replaced', (c) => section(c).set('actions', new Y.Array()), 'section-field'],
    ['an unknown section key', (c) => section(c).set('extra', 1), 'section-field'],
    ['bold notes', (c) => notes(c).insert(0, 'x', { bold: true }), 'notes-format'],
    ['formatting existing notes', (c) => { notes(c).insert(0, 'abc'); notes(c).format(0, 2, { bold: true }); }, 'notes-format'],
    ['an embed in notes', (c) => notes(c).insertEmbed(0, { image: 'x' }), 'notes-content'],
    ['a Y.Map in notes', (c) => notes(c).insertEmbed(0, new Y.Map() as never), 'notes-content'],
    ['a text attribute', (c) => notes(c).setAttribute('lang', 'en'), 'notes-attribute'],
    ['a string in actions', (c) => actions(c).push(['x' as never]), 'action-not-map'],
    ['an action with missing keys', (c) => actions(c).push([actionMap({ id: 'm1', text: 'x' })]), 'action-shape'],
    ['an action with an extra key', (c) => actions(c).push([actionMap({ ...validAction('m2'), assignee: 'Mallory' })]), 'action-field'],
    ['an action with a wrong type', (c) => actions(c).push([actionMap({ ...validAction('m3'), done: 'yes' })]), 'action-value'],
    ['an action with a bad id', (c) => actions(c).push([actionMap(validAction('has space'))]), 'action-id'],
    ['an action with a bad createdAt', (c) => actions(c).push([actionMap({ ...validAction('m4'), createdAt: 'yesterday' })]), 'action-created-at'],
    ['an action reusing an existing id', (c) => actions(c).push([actionMap(validAction('a1'))]), 'action-id-taken'],
    ['two actions with one id', (c) => actions(c).push([actionMap(validAction('d1')), actionMap(validAction('d1'))]), 'action-id-taken'],
    ['an action item id changed (stealing an assignment)', (c) => actions(c).get(0).set('id', 'other'), 'action-immutable'],
    ['createdBy rewritten', (c) => actions(c).get(0).set('createdBy', 'Mallory'), 'action-immutable'],
    ['createdAt rewritten', (c) => actions(c).get(0).set('createdAt', '2020-01-01T00:00:00Z'), 'action-immutable'],
    ['an action field removed', (c) => actions(c).get(0).delete('text'), 'action-field-removed'],
    ['an unknown action field', (c) => actions(c).get(0).set('assignee', 'Mallory'), 'action-field'],
    ['a nested type as action text', (c) => actions(c).get(0).set('text', new Y.Text('x') as never), 'action-value'],
    ['an action item deleted', (c) => actions(c).delete(0), 'action-deleted'],
    ['an action captured and deleted offline', (c) => { addActionItem(section(c), validAction('gone1')); actions(c).delete(1); }, 'action-deleted'],
    ['an unknown root map', (c) => c.getMap('mine').set('a', 1), 'unknown-root'],
    ['an unknown root text', (c) => c.getText('scratch').insert(0, 'x'), 'unknown-root'],
  ])('refuses %s', (_name, change, rule) => {
    const docs = setup();
    const before = Y.encodeStateAsUpdate(docs.server);
    expect(attempt(docs, change)).toBe(rule);
    expect(Y.encodeStateAsUpdate(docs.server)).toEqual(before);
  });

  it('names the rule in a message that starts with "schema:"', () => {
    const docs = setup();
    topicSections(docs.client).push([new Y.Map()]);
    const refusal = notesSchemaGuard(docs.server, Y.decodeUpdate(Y.encodeStateAsUpdate(docs.client, Y.encodeStateVector(docs.server))));
    expect(refusal?.message).toMatch(/^schema: sections may not be added by clients/);
  });

  it('ignores what the server already has when a resync re-sends it, deletions included', () => {
    const docs = setup();
    expect(attempt(docs, (c) => notes(c).insert(0, 'abcdef'))).toBeNull();
    expect(attempt(docs, (c) => notes(c).delete(1, 3))).toBeNull();
    expect(attempt(docs, (c) => actions(c).get(0).set('text', 'v2'))).toBeNull();
    const full = Y.encodeStateAsUpdate(docs.client);
    expect(notesSchemaGuard(docs.server, Y.decodeUpdate(full))).toBeNull();
  });

  it('refuses an update whose origin the server never saw, as a dependency to resync', () => {
    const docs = setup();
    const third = new Y.Doc();
    Y.applyUpdate(third, Y.encodeStateAsUpdate(docs.server));
    notes(third).insert(0, 'unseen');
    Y.applyUpdate(docs.client, Y.encodeStateAsUpdate(third));
    notes(docs.client).insert(6, ' and mine');
    const onlyMine = Y.encodeStateAsUpdate(docs.client, Y.encodeStateVector(third));
    expect(notesSchemaGuard(docs.server, Y.decodeUpdate(onlyMine))?.rule).toBe('missing-dependency');
  });
});

describe('server-only guard (the session state doc)', () => {
  it('refuses any content and allows an empty update', () => {
    const doc = new Y.Doc();
    const client = new Y.Doc();
    client.getMap('followups').set('a1', 'mine');
    expect(serverOnlyGuard(doc, Y.decodeUpdate(Y.encodeStateAsUpdate(client)))?.rule).toBe('server-only');
    expect(serverOnlyGuard(doc, Y.decodeUpdate(Y.encodeStateAsUpdate(new Y.Doc())))).toBeNull();
  });
});
