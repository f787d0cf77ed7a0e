/**
 * Readers never throw on a malformed doc (issue #13): every reader of the notes doc, over every
 * broken shape a client could send, skips what does not fit, reports it, and keeps the rest.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { contributors } from '../../shared/authorship.ts';
import { findSection, notesTexts, readSections, readableSections } from '../../shared/doc-schema.ts';
import { EXPORT_FORMATS } from '../../shared/export/formats.ts';
import { buildSummaryModel } from '../../shared/export/model.ts';
import { readExportSections } from '../../shared/export/read-doc.ts';
import { appendMissingSections } from '../../shared/topic-template.ts';
import { renderExport } from '../../server/export/export-service.ts';
import { docHasContent, writeSections } from '../../server/sessions/restore-content.ts';
import { BROKEN_SHAPES, brokenDoc, goodDoc, TOPICS } from '../helpers/broken-docs.ts';

const SHAPES = Object.keys(BROKEN_SHAPES);
const session = {
  id: 's',
  title: 'S',
  description: '',
  leads: [],
  topics: TOPICS.map((t) => ({ ...t, speakers: [], abstract: '' })),
};

describe('readers of a malformed notes doc', () => {
  it.each(SHAPES)('read %s without throwing, keeping the well-formed content', (shape) => {
    const doc = brokenDoc(shape);
    const skipped: string[] = [];
    const sections = readSections(doc, (problem) => skipped.push(problem));
    // Every topic keeps exactly one section, the first one, with its notes.
    expect(sections.map((s) => s.id).filter((id) => id !== undefined && TOPICS.some((t) => t.id === id))).toEqual(['alpha', 'beta', 'gamma']);
    expect(sections.find((s) => s.id === 'alpha')!.notes).toBe('alpha notes');
    expect(readableSections(doc).length).toBe(sections.length);
    expect(findSection(doc, 'gamma')).toBeDefined();

    const exported = readExportSections(doc, new Map());
    const model = buildSummaryModel({ generatedAt: '2019-09-10T12:00:00Z', scope: 'session', event: { id: 'e', title: 'E', description: '' }, sessions: [{ session, sections: exported, authors: contributors(notesTexts(doc), new Map()) }] });
    for (const format of EXPORT_FORMATS) expect(renderExport(model, format)).toContain('Alpha topic');
    // The metadata title wins over a title written into the doc.
    expect(model.sessions[0]!.topics.map((t) => t.title).slice(0, 3)).toEqual(['Alpha topic', 'Beta topic', 'Gamma topic']);

    expect(docHasContent(doc)).toBe(true);
    expect(() => appendMissingSections(doc, [...TOPICS, { id: 'delta', title: 'Delta' }])).not.toThrow();
    expect(findSection(doc, 'delta')).toBeDefined();
  });

  it.each(SHAPES.filter((shape) => shape !== 'content in unknown root types' && !shape.includes('title that differs')))('report what they skip of %s', (shape) => {
    const skipped: string[] = [];
    readSections(brokenDoc(shape), (problem) => skipped.push(problem));
    expect(skipped.length).toBeGreaterThan(0);
  });

  it('report nothing for a well-formed doc', () => {
    const skipped: string[] = [];
    readSections(goodDoc(), (problem) => skipped.push(problem));
    notesTexts(goodDoc(), (problem) => skipped.push(problem));
    expect(skipped).toEqual([]);
  });

  it('read notes left as a plain string as the text, and skip non-map action entries', () => {
    expect(readSections(brokenDoc("a section's notes replaced by a string")).find((s) => s.id === 'beta')!.notes).toBe('beta as a string');
    const alpha = readSections(brokenDoc('non-map entries pushed into an actions array')).find((s) => s.id === 'alpha')!;
    expect(alpha.actions.map((a) => a.id)).toEqual(['good']);
    const bad = readSections(brokenDoc('an action item with missing and mistyped keys')).find((s) => s.id === 'alpha')!.actions[1]!;
    expect(bad).toEqual({ id: '', text: '', done: false, createdBy: '', createdAt: '' });
  });

  it('restore into a doc with a broken section writes what fits and names the rest missing', () => {
    const doc = brokenDoc("a section's actions replaced by a string");
    const empty = new Y.Doc();
    Y.applyUpdate(empty, Y.encodeStateAsUpdate(doc));
    const outcome = writeSections(doc, [
      { id: 'alpha', title: 'Alpha topic', notes: 'restored', actions: [] },
      { id: 'gamma', title: 'Gamma topic', notes: 'restored gamma', actions: [] },
    ]);
    expect(outcome).toEqual({ restored: ['gamma'], missing: ['alpha'] });
  });
});
