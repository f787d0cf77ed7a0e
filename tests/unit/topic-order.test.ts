/** Issue #15: the topic order lives in the doc's server-written `layout` root; readers follow it. */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { layoutTopicOrder, readableSections, readSections, sectionId, setLayoutTopicOrder } from '../../shared/doc-schema.ts';
import { repairDoc } from '../../shared/doc-repair.ts';
import { buildTemplateUpdate, syncTopicOrder } from '../../shared/topic-template.ts';

const topics = [
  { id: 'a', title: 'A' },
  { id: 'b', title: 'B' },
  { id: 'c', title: 'C' },
];

function docWith(list = topics): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, buildTemplateUpdate(list));
  return doc;
}
const ids = (doc: Y.Doc): string[] => readableSections(doc).map((s) => sectionId(s)!);

describe('readableSections follows layout.topicOrder', () => {
  it('doc order without a layout; the listed order with one; unlisted sections after, in doc order; unknown ids ignored', () => {
    const doc = docWith();
    expect(ids(doc)).toEqual(['a', 'b', 'c']);
    setLayoutTopicOrder(doc, ['c', 'a', 'b']);
    expect(ids(doc)).toEqual(['c', 'a', 'b']);
    setLayoutTopicOrder(doc, ['nope', 'b', 'b']);
    expect(ids(doc)).toEqual(['b', 'a', 'c']);
    expect(readSections(doc).map((s) => s.title)).toEqual(['B', 'A', 'C']);
  });

  it('never throws on a layout of another shape', () => {
    const doc = docWith();
    doc.getMap('layout').set('topicOrder', 'c,b,a');
    expect(ids(doc)).toEqual(['a', 'b', 'c']);
    doc.getMap('layout').set('topicOrder', [3, 'c', null]);
    expect(ids(doc)).toEqual(['c', 'a', 'b']);
    const other = docWith();
    other.getArray('layout').push(['x']);
    expect(layoutTopicOrder(other)).toBeUndefined();
    expect(ids(other)).toEqual(['a', 'b', 'c']);
  });

  it('a moved section keeps its notes Y.Text (no delete and reinsert)', () => {
    const doc = docWith();
    const notes = readableSections(doc)[2]!.get('notes');
    setLayoutTopicOrder(doc, ['c', 'b', 'a']);
    expect(readableSections(doc)[0]!.get('notes')).toBe(notes);
  });
});

describe('repair and reconcile', () => {
  it('repair keeps the topic order and clears other layout keys', () => {
    const doc = docWith();
    setLayoutTopicOrder(doc, ['b', 'c', 'a']);
    doc.getMap('layout').set('junk', 1);
    const repairs = repairDoc(doc, topics);
    expect(repairs.some((r) => r.includes('layout'))).toBe(true);
    expect(doc.getMap('layout').has('junk')).toBe(false);
    expect(ids(doc)).toEqual(['b', 'c', 'a']);
  });

  it('syncTopicOrder writes only when the doc shows another order', () => {
    const doc = docWith();
    let updates = 0;
    doc.on('update', () => updates++);
    expect(syncTopicOrder(doc, ['a', 'b', 'c'])).toBe(false);
    expect(updates).toBe(0);
    expect(syncTopicOrder(doc, ['b', 'a', 'c'])).toBe(true);
    expect(ids(doc)).toEqual(['b', 'a', 'c']);
    expect(syncTopicOrder(doc, ['b', 'a', 'c'])).toBe(false);
    expect(updates).toBe(1);
  });
});
