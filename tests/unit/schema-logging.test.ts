/**
 * What readers skip and what the load repairs is logged once per doc (issue #13), not per request.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readSections } from '../../shared/doc-schema.ts';
import { notesTemplate } from '../../server/sessions/doc-templates.ts';
import type { Logger } from '../../server/logger.ts';
import { SkipLog } from '../../server/docs/skip-log.ts';
import { brokenDoc, goodDoc, TOPICS } from '../helpers/broken-docs.ts';

function collectingLog(): Logger & { warnings: Array<{ obj: any; msg?: string }> } {
  const warnings: Array<{ obj: any; msg?: string }> = [];
  const none = (): void => undefined;
  return { warnings, warn: (obj, msg) => void warnings.push({ obj, ...(msg ? { msg } : {}) }), info: none, error: none, debug: none };
}

describe('SkipLog', () => {
  it('logs what a reader skipped once per doc, however often it is read, and again after the doc unloaded', () => {
    const log = collectingLog();
    const skips = new SkipLog(log);
    const doc = brokenDoc('a string pushed into topics');
    for (let i = 0; i < 5; i++) expect(skips.read('s', (report) => readSections(doc, report)).map((s) => s.id)).toEqual(['alpha', 'beta', 'gamma']);
    skips.read('s@cp1', (report) => readSections(doc, report));
    expect(log.warnings.map((w) => w.obj.doc)).toEqual(['s', 's@cp1']);
    expect(log.warnings[0]!.obj.skipped).toEqual(['topics entry that is not a section map']);
    skips.forget('s');
    skips.read('s', (report) => readSections(doc, report));
    skips.read('s@cp1', (report) => readSections(doc, report));
    expect(log.warnings).toHaveLength(4);
  });

  it('logs nothing for a doc that fits the schema', () => {
    const log = collectingLog();
    new SkipLog(log).read('s', (report) => readSections(goodDoc(), report));
    expect(log.warnings).toEqual([]);
  });
});

describe('the notes template reconcile', () => {
  it('repairs a loaded doc and logs the repairs once, with the session id', () => {
    const log = collectingLog();
    const template = notesTemplate((id) => (id === 'mc' ? TOPICS : undefined), log);
    const doc = brokenDoc('two sections with the same topic id');
    template.reconcile(doc, 'mc');
    template.reconcile(doc, 'mc');
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]!.obj).toEqual({ sessionId: 'mc', repairs: ['merged a duplicate section of "alpha" into the first one'] });
    expect(readSections(doc).map((s) => s.id)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('appends sections of new topics after the repair, as before', () => {
    const doc = brokenDoc("a section's notes replaced by a string");
    notesTemplate(() => [...TOPICS, { id: 'delta', title: 'Delta' }]).reconcile(doc, 'mc');
    expect(readSections(doc).map((s) => [s.id, s.notes])).toEqual([
      ['alpha', 'alpha notes'],
      ['beta', 'beta as a string'],
      ['gamma', ''],
      ['delta', ''],
    ]);
    expect(doc.getArray('topics').toArray().every((entry) => entry instanceof Y.Map)).toBe(true);
  });
});
