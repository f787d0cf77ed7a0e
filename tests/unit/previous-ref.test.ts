/** Issue #17: the optional `previous` session reference in every import format, and its parsing. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIndicoExport } from '../../server/import/parse-indico.ts';
import { parseJsonImport } from '../../server/import/parse-json.ts';
import { parseMarkdownOutline } from '../../server/import/parse-markdown.ts';
import { ImportError } from '../../server/import/import-error.ts';
import { formatSessionRef, parseSessionRef } from '../../shared/session-ref.ts';

const REF = { eventId: 'lpc2019', sessionId: 'containers-cr' };

describe('session references', () => {
  it('reads "event/session" and {eventId, sessionId}, and nothing else', () => {
    expect(parseSessionRef(' lpc2019/containers-cr ')).toEqual(REF);
    expect(parseSessionRef(REF)).toEqual(REF);
    expect(formatSessionRef(REF)).toBe('lpc2019/containers-cr');
    for (const bad of ['containers-cr', 'a/b/c', '../etc', 'lpc2019/', '/x', 'LPC/X', 42, null, [], { eventId: 'a' }, { ...REF, extra: 1 }, { eventId: 'a', sessionId: '../b' }, `a/${'x'.repeat(100)}`]) {
      expect(parseSessionRef(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('previous in the import formats', () => {
  it('JSON: a string or an object; anything else names the path', () => {
    expect(parseJsonImport({ title: 'A', previous: 'lpc2019/containers-cr', topics: [] })[0]!.previous).toEqual(REF);
    expect(parseJsonImport({ sessions: [{ title: 'A', previous: REF, topics: [] }] })[0]!.previous).toEqual(REF);
    expect(parseJsonImport({ title: 'A', topics: [] })[0]!.previous).toBeUndefined();
    expect(() => parseJsonImport({ title: 'A', previous: 'nope', topics: [] })).toThrow(/^previous: /);
  });

  it('Markdown: one "Previous:" line per session', () => {
    const drafts = parseMarkdownOutline(['# A', 'Previous: lpc2019/containers-cr', '', '- T', '', '# B', '', '- U'].join('\n'));
    expect(drafts.map((d) => d.previous)).toEqual([REF, undefined]);
    expect(() => parseMarkdownOutline('# A\nPrevious: nope\n')).toThrow(ImportError);
    expect(() => parseMarkdownOutline('# A\nPrevious: a/b\nPrevious: a/c\n')).toThrow(/line 3/);
  });

  it('Indico: the mcpad "previous" field on a session object', () => {
    const value = JSON.parse(readFileSync(new URL('../fixtures/indico/event-sessions.json', import.meta.url), 'utf8'));
    value.results[0].sessions[0].previous = 'lpc2019/containers-cr';
    const drafts = parseIndicoExport(value);
    expect(drafts.filter((d) => d.previous).map((d) => d.previous)).toEqual([REF]);
    value.results[0].sessions[0].previous = { eventId: 'x' };
    expect(() => parseIndicoExport(value)).toThrow(/sessions\[0\]\.previous/);
  });
});
