/** Decisions in the notes doc (issue #17): the schema guard's rules, the tolerant readers and the repair on load. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addActionItem,
  addDecision,
  decisionItemMaps,
  readSections,
  SectionKey,
  sectionDecisions,
  topicSections,
  type SectionMap,
} from '../../shared/doc-schema.ts';
import { repairDoc } from '../../shared/doc-repair.ts';
import { buildTemplateUpdate } from '../../shared/topic-template.ts';
import { notesSchemaGuard } from '../../server/docs/schema-guard.ts';

const TOPICS = [
  { id: 'shiftfs', title: 'shiftfs' },
  { id: 'pidfd', title: 'pidfd' },
];

/** A server doc from the template with one action item and one decision (agreed by the server), and a client synced with it. */
function setup(): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc();
  Y.applyUpdate(server, buildTemplateUpdate(TOPICS));
  const first = topicSections(server).get(0) as SectionMap;
  addActionItem(first, { id: 'a1', text: 'send patch', createdBy: 'Server', createdAt: '2019-09-10T10:00:00Z' });
  addDecision(first, { id: 'd1', text: 'use idmapped mounts', createdBy: 'Server', createdAt: '2019-09-10T10:00:00Z' });
  const agreed = decisionItemMaps(first)[0]!;
  agreed.set('agreedBy', 'Christian (lead)');
  agreed.set('agreedAt', '2019-09-10T10:10:00Z');
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** Runs `change` on the client and checks its update (live and as a resync) with the guard; applies it when allowed. */
function attempt(docs: { server: Y.Doc; client: Y.Doc }, change: (client: Y.Doc) => void): string | null {
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
const decisions = (doc: Y.Doc, index = 0) => sectionDecisions(section(doc, index)) as Y.Array<Y.Map<unknown>>;
const valid = (id: string) => ({ id, text: 'keep shiftfs out of tree', createdBy: 'Alice', createdAt: '2019-09-10T10:05:00.000Z' });

function itemMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) map.set(key, value);
  return map;
}

describe('schema guard: decisions', () => {
  it('allows recording a decision as the client does, and replacing its text (also an agreed one)', () => {
    const docs = setup();
    expect(attempt(docs, (c) => addDecision(section(c, 1), valid('e2')))).toBeNull();
    expect(attempt(docs, (c) => decisions(c, 1).get(0).set('text', 'keep shiftfs out of tree for now'))).toBeNull();
    expect(attempt(docs, (c) => decisions(c).get(0).set('text', 'use idmapped mounts (v2)'))).toBeNull();
    expect(readSections(docs.server)[1]!.decisions).toEqual([{ ...valid('e2'), text: 'keep shiftfs out of tree for now' }]);
    expect(readSections(docs.server)[0]!.decisions[0]).toMatchObject({ text: 'use idmapped mounts (v2)', agreedBy: 'Christian (lead)' });
  });

  it('allows a decision recorded and edited offline, sent as one update', () => {
    const docs = setup();
    expect(
      attempt(docs, (c) => {
        addDecision(section(c), valid('off1'));
        decisions(c).get(1).set('text', 'edited before sync');
      }),
    ).toBeNull();
    expect(decisions(docs.server).get(1).get('text')).toBe('edited before sync');
  });

  it.each<[string, (c: Y.Doc) => void, string]>([
    ['a decision created already agreed', (c) => decisions(c).push([itemMap({ ...valid('m1'), agreedBy: 'Mallory', agreedAt: '2019-09-10T10:05:00Z' })]), 'decision-agreed'],
    ['a decision agreed by a client', (c) => decisions(c).get(0).set('agreedBy', 'Mallory'), 'decision-agreed'],
    ['an agreement cleared by a client', (c) => decisions(c).get(0).delete('agreedBy'), 'decision-agreed'],
    ['agreedAt rewritten by a client', (c) => decisions(c).get(0).set('agreedAt', '2030-01-01T00:00:00Z'), 'decision-agreed'],
    ['a decision with missing fields', (c) => decisions(c).push([itemMap({ id: 'm2', text: 'x' })]), 'decision-shape'],
    ['a decision with an extra key', (c) => decisions(c).push([itemMap({ ...valid('m3'), done: false })]), 'decision-field'],
    ['a decision with a wrong type', (c) => decisions(c).push([itemMap({ ...valid('m4'), text: 42 })]), 'decision-value'],
    ['a decision with a bad id', (c) => decisions(c).push([itemMap(valid('../x'))]), 'decision-id'],
    ['a decision with a bad createdAt', (c) => decisions(c).push([itemMap({ ...valid('m5'), createdAt: 'today' })]), 'decision-created-at'],
    ['a decision reusing a decision id', (c) => decisions(c).push([itemMap(valid('d1'))]), 'decision-id-taken'],
    ['a decision reusing an action item id', (c) => decisions(c).push([itemMap(valid('a1'))]), 'decision-id-taken'],
    ['an action item reusing a decision id', (c) => addActionItem(section(c, 1), { id: 'd1', text: 'x', createdBy: 'A', createdAt: '2019-09-10T10:05:00Z' }), 'action-id-taken'],
    ['a decision id changed', (c) => decisions(c).get(0).set('id', 'other'), 'decision-immutable'],
    ['createdBy rewritten', (c) => decisions(c).get(0).set('createdBy', 'Mallory'), 'decision-immutable'],
    ['createdAt rewritten', (c) => decisions(c).get(0).set('createdAt', '2020-01-01T00:00:00Z'), 'decision-immutable'],
    ['a decision text removed', (c) => decisions(c).get(0).delete('text'), 'decision-field-removed'],
    ['a decision deleted', (c) => decisions(c).delete(0), 'decision-deleted'],
    ['a decision recorded and deleted offline', (c) => { addDecision(section(c), valid('gone1')); decisions(c).delete(1); }, 'decision-deleted'],
    ['a string in decisions', (c) => decisions(c).push(['x' as never]), 'decision-not-map'],
    ['a nested type as decision text', (c) => decisions(c).get(0).set('text', new Y.Text('x') as never), 'decision-value'],
    ['the decision list replaced', (c) => section(c).set(SectionKey.decisions, new Y.Array()), 'section-field'],
  ])('refuses %s', (_name, change, rule) => {
    const docs = setup();
    const before = Y.encodeStateAsUpdate(docs.server);
    expect(attempt(docs, change)).toBe(rule);
    expect(Y.encodeStateAsUpdate(docs.server)).toEqual(before);
  });
});

describe('decision readers and repair', () => {
  it('reads a section without a decision list as having none, and reports a list that is something else', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
    section(doc).delete(SectionKey.decisions);
    section(doc, 1).set(SectionKey.decisions, 'oops');
    const skipped: string[] = [];
    expect(readSections(doc, (problem) => skipped.push(problem)).map((s) => s.decisions)).toEqual([[], []]);
    expect(skipped).toEqual(['section "pidfd": decisions is not a list']);
  });

  it('reads mistyped decision fields tolerantly (agreed only when set)', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
    decisions(doc).push([itemMap({ id: 'x1', text: 7 }), 'not a map' as never]);
    const skipped: string[] = [];
    expect(readSections(doc, (problem) => skipped.push(problem))[0]!.decisions).toEqual([{ id: 'x1', text: '', createdBy: '', createdAt: '' }]);
    expect(skipped).toHaveLength(2);
  });

  it('adds the list to a doc stored before decisions existed, and fixes entries that do not fit', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
    section(doc).delete(SectionKey.decisions);
    decisions(doc, 1).push([itemMap({ id: 'keep', text: 'kept', createdBy: 'A', createdAt: '2019-09-10T10:00:00Z', agreedBy: 3 }), 'junk' as never]);
    const repairs = repairDoc(doc, TOPICS, { newItemId: () => 'new-id' });
    expect(repairs).toEqual([
      'added the decision list of "shiftfs"',
      'removed a decision entry of "pidfd" that is not a map',
      'fixed missing or mistyped fields of a decision of "pidfd"',
    ]);
    expect(readSections(doc).map((s) => s.decisions)).toEqual([[], [{ id: 'keep', text: 'kept', createdBy: 'A', createdAt: '2019-09-10T10:00:00Z' }]]);
    expect(repairDoc(doc, TOPICS)).toEqual([]);
  });

  it('moves the decisions of a duplicate section into the first one, keeping their ids and agreement', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
    const duplicate = new Y.Map<unknown>();
    duplicate.set(SectionKey.id, 'shiftfs');
    const list = new Y.Array<unknown>();
    duplicate.set(SectionKey.decisions, list);
    list.push([itemMap({ ...valid('dup1'), agreedBy: 'Lead', agreedAt: '2019-09-10T11:00:00Z' })]);
    topicSections(doc).push([duplicate]);
    repairDoc(doc, TOPICS);
    expect(readSections(doc)[0]!.decisions).toEqual([{ ...valid('dup1'), agreedBy: 'Lead', agreedAt: '2019-09-10T11:00:00Z' }]);
  });
});
