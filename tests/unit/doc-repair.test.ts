/**
 * Repair on load (issue #13): each broken shape a client could send is repaired into a doc that
 * fits the schema, without losing typed text; the repair is one update another replica can apply.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { RECOVERED_TITLE, repairDoc } from '../../shared/doc-repair.ts';
import { findSection, readSections, topicSections } from '../../shared/doc-schema.ts';
import { BROKEN_SHAPES, brokenDoc, goodDoc, itemMap, schemaMisfits, TOPICS } from '../helpers/broken-docs.ts';

const misfits = (doc: Y.Doc): string[] => schemaMisfits(doc, TOPICS);

const notesOf = (doc: Y.Doc, id: string): string => readSections(doc).find((s) => s.id === id)!.notes;

describe('repairDoc', () => {
  it('leaves a well-formed doc alone: no repairs, no update', () => {
    const doc = goodDoc();
    let updates = 0;
    doc.on('update', () => updates++);
    expect(repairDoc(doc, TOPICS)).toEqual([]);
    expect(updates).toBe(0);
  });

  it.each(Object.keys(BROKEN_SHAPES))('repairs %s into a doc that fits the schema, keeping the good content', (shape) => {
    const doc = brokenDoc(shape);
    expect(misfits(doc), 'the shape breaks the schema').not.toEqual([]);
    const repairs = repairDoc(doc, TOPICS, { newItemId: () => 'new-id' });
    expect(repairs.length).toBeGreaterThan(0);
    expect(misfits(doc)).toEqual([]);
    expect(notesOf(doc, 'alpha')).toMatch(/^alpha notes/);
    expect(readSections(doc).filter((s) => TOPICS.some((t) => t.id === s.id)).map((s) => s.id)).toEqual(['alpha', 'beta', 'gamma']);
    // Idempotent: a second load finds nothing to repair.
    expect(repairDoc(doc, TOPICS)).toEqual([]);
  });

  it('replays on another replica as one update (the edit every client receives)', () => {
    const doc = brokenDoc('two sections with the same topic id');
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    repairDoc(doc, TOPICS);
    expect(updates).toHaveLength(1);
    Y.applyUpdate(replica, updates[0]!);
    expect(misfits(replica)).toEqual([]);
    expect(readSections(replica)).toEqual(readSections(doc));
  });

  it('keeps notes left as a plain string as the text of a new Y.Text', () => {
    const doc = brokenDoc("a section's notes replaced by a string");
    repairDoc(doc, TOPICS);
    expect(notesOf(doc, 'beta')).toBe('beta as a string');
  });

  it('gives an empty action list to a section whose actions were not a list', () => {
    const doc = brokenDoc("a section's actions replaced by a number");
    repairDoc(doc, TOPICS);
    expect(readSections(doc).find((s) => s.id === 'alpha')!.actions).toEqual([]);
  });

  it('removes non-map action entries and fixes the fields of a malformed item', () => {
    const doc = brokenDoc('non-map entries pushed into an actions array');
    repairDoc(doc, TOPICS);
    expect(readSections(doc).find((s) => s.id === 'alpha')!.actions.map((a) => a.id)).toEqual(['good']);
    const other = brokenDoc('an action item with missing and mistyped keys');
    repairDoc(other, TOPICS, { newItemId: () => 'fresh' });
    expect(readSections(other).find((s) => s.id === 'alpha')!.actions[1]).toEqual({ id: 'fresh', text: '5', done: false, createdBy: '9', createdAt: '' });
  });

  it('merges a duplicate section into the first: its notes and action items move, nothing is lost', () => {
    const doc = brokenDoc('two sections with the same topic id');
    repairDoc(doc, TOPICS);
    const alpha = readSections(doc).filter((s) => s.id === 'alpha');
    expect(alpha).toHaveLength(1);
    expect(alpha[0]!.title).toBe('Alpha topic');
    expect(alpha[0]!.notes).toBe('alpha notes\n\nduplicate notes');
    expect(alpha[0]!.actions.map((a) => [a.id, a.done])).toEqual([['good', false], ['dup-item', true]]);
  });

  it('merges a malformed duplicate too: string notes are kept, mistyped item fields fixed in the copy', () => {
    const doc = goodDoc();
    const dup = itemMap({ id: 'alpha', notes: 'string notes of the copy', actions: Y.Array.from([itemMap({ id: 'x2', text: 3 }), 'junk']) });
    doc.transact(() => topicSections(doc).push([dup]));
    repairDoc(doc, TOPICS);
    const alpha = readSections(doc).find((s) => s.id === 'alpha')!;
    expect(alpha.notes).toBe('alpha notes\n\nstring notes of the copy');
    expect(alpha.actions.at(-1)).toEqual({ id: 'x2', text: '3', done: false, createdBy: '', createdAt: '' });
    expect(misfits(doc)).toEqual([]);
  });

  it('keeps a section without a topic id that holds notes under a new id, and drops empty ones', () => {
    const doc = brokenDoc('a section without id and title (with notes)');
    repairDoc(doc, TOPICS);
    const recovered = readSections(doc).at(-1)!;
    expect(recovered).toMatchObject({ id: 'recovered-1', title: RECOVERED_TITLE, notes: 'orphan notes' });
    const empty = brokenDoc('an empty section without id and title');
    repairDoc(empty, TOPICS);
    expect(topicSections(empty).length).toBe(TOPICS.length);
  });

  it('resets a title to the metadata title, and clears unknown roots', () => {
    const doc = brokenDoc('a section title that differs from the metadata');
    repairDoc(doc, TOPICS);
    expect(findSection(doc, 'gamma')!.get('title')).toBe('Gamma topic');
    const roots = brokenDoc('content in unknown root types');
    const repairs = repairDoc(roots, TOPICS);
    expect(repairs.join('\n')).toContain('"junk"');
    expect(roots.getText('evil').toString()).toBe('');
    expect(roots.getArray('more').length).toBe(0);
    expect(notesOf(roots, 'beta')).toBe('beta notes');
  });

  it('counts repeated repairs in one line', () => {
    const doc = goodDoc();
    doc.transact(() => topicSections(doc).push(['a', 'b', 'c']));
    expect(repairDoc(doc, TOPICS)).toEqual(['removed a topics entry that is not a section map (3×)']);
  });
});
