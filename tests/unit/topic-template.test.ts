import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { readSections, topicSections } from '../../shared/doc-schema.ts';
import { appendMissingSections, buildTemplateUpdate } from '../../shared/topic-template.ts';

const topics = [
  { id: 'shiftfs', title: 'Agree on an upstreamable approach to shiftfs' },
  { id: 'pidfd', title: 'Adoption and improvement of the new mount and pidfd APIs' },
];

describe('topic template', () => {
  it('is deterministic: two independent builds merge into one structure', () => {
    const first = buildTemplateUpdate(topics);
    const second = buildTemplateUpdate(topics);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, first);
    Y.applyUpdate(doc, second);
    expect(readSections(doc)).toEqual([
      { id: 'shiftfs', title: topics[0]!.title, notes: '', actions: [], decisions: [] },
      { id: 'pidfd', title: topics[1]!.title, notes: '', actions: [], decisions: [] },
    ]);
  });

  it('appends only missing sections and keeps existing notes', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildTemplateUpdate(topics));
    ((topicSections(doc).get(0) as Y.Map<unknown>).get('notes') as Y.Text).insert(0, 'notes survive');
    const added = appendMissingSections(doc, [...topics, { id: 'time-ns', title: 'Time namespaces' }]);
    expect(added).toEqual(['time-ns']);
    expect(appendMissingSections(doc, topics)).toEqual([]);
    expect(readSections(doc).map((s) => [s.id, s.notes])).toEqual([
      ['shiftfs', 'notes survive'],
      ['pidfd', ''],
      ['time-ns', ''],
    ]);
  });
});
