import * as Y from 'yjs';
import { applyAssignment, readFollowups } from '../../shared/followups.ts';
import { describe, expect, it } from 'vitest';
import { sectionActions, topicSections, type SectionMap } from '../../shared/doc-schema.ts';
import { buildSummaryModel, type ExportAction } from '../../shared/export/model.ts';
import { embedNotes, escapeInline } from '../../shared/export/markdown-notes.ts';
import { readExportSections } from '../../shared/export/read-doc.ts';
import { renderMarkdown } from '../../shared/export/render-markdown.ts';
import { renderText, wrapNotes } from '../../shared/export/render-text.ts';
import { formatDiscussed, formatSchedule } from '../../shared/export/schedule.ts';
import { buildTemplateUpdate } from '../../shared/topic-template.ts';
import MarkdownIt from 'markdown-it';

const commonmark = new MarkdownIt('commonmark');

describe('embedNotes', () => {
  it('demotes ATX and setext headings but not # inside code', () => {
    const notes = '# Top\n\nPara\n\nSetext\n======\n\n```\n# not a heading\n```\n\n###### deep\n';
    expect(embedNotes(notes, 3)).toBe('#### Top\n\nPara\n\n#### Setext\n\n```\n# not a heading\n```\n\n###### deep\n');
  });

  it('closes an unterminated fence or HTML comment so later topics are not swallowed', () => {
    const fenced = embedNotes('text\n\n````js\nconst x = 1;\n', 2);
    expect(fenced).toBe('text\n\n````js\nconst x = 1;\n````\n');
    const doc = `${fenced}\n## Next topic\n`;
    expect(commonmark.render(doc)).toContain('<h2>Next topic</h2>');
    const comment = embedNotes('<!-- unfinished\nstill comment', 2);
    expect(commonmark.render(`${comment}\n## Next topic\n`)).toContain('<h2>Next topic</h2>');
    expect(embedNotes('', 2)).toBe('');
  });

  it('escapes titles and names so they show literally', () => {
    const title = '# <script>x</script> *bold* [link](javascript:x) 1. `code`';
    const html = commonmark.render(`## ${escapeInline(title)}\n`);
    expect(html).toBe('<h2># &lt;script&gt;x&lt;/script&gt; *bold* [link](javascript:x) 1. `code`</h2>\n');
    expect(commonmark.render(escapeInline('1. not a list'))).toBe('<p>1. not a list</p>\n');
    expect(commonmark.render(escapeInline('- not a list'))).toBe('<p>- not a list</p>\n');
  });
});

describe('text wrapping', () => {
  it('wraps prose and list items at 72 columns, keeps code and tables verbatim', () => {
    const long = 'word '.repeat(40).trim();
    const code = `    ${'x'.repeat(90)}`;
    const notes = `${long}\n\n- ${long}\n  1. ${long}\n\n\`\`\`\n${'y'.repeat(100)}\n\`\`\`\n\n| a | ${'b'.repeat(80)} |\n\n${code}\n`;
    const wrapped = wrapNotes(notes);
    for (const line of wrapped.split('\n')) {
      if (line.startsWith('y') || line.startsWith('|') || line === code) continue;
      expect(line.length, line).toBeLessThanOrEqual(72);
    }
    expect(wrapped).toContain('y'.repeat(100));
    expect(wrapped).toContain(code);
    expect(wrapped).toMatch(/\n- word[^\n]*\n {2}word/);
    expect(wrapped).toMatch(/\n {2}1\. word[^\n]*\n {5}word/);
  });

  it('turns Markdown links into mail-style links and counts wide characters', () => {
    expect(wrapNotes('See [the docs](https://example.org/a) and `[x](y)`')).toBe('See the docs <https://example.org/a> and `[x](y)`');
    const cjk = '漢字漢字 '.repeat(20).trim();
    const model = buildSummaryModel({
      generatedAt: '2019-09-10T18:30:00Z',
      scope: 'session',
      event: { id: 'e', title: 'E', description: '' },
      sessions: [{ session: { id: 's', title: 'S', description: '', leads: [], topics: [] }, sections: [{ id: 't', title: 'T', notes: '', actions: [action({ text: `${cjk} ${cjk}` })], decisions: [] }] }],
    });
    // CJK characters take 2 columns each.
    const width = (line: string): number => [...line].reduce((sum, c) => sum + (/[漢字]/.test(c) ? 2 : 1), 0);
    const widths = renderText(model).split('\n').map(width);
    expect(Math.max(...widths)).toBeLessThanOrEqual(72);
    expect(Math.max(...widths)).toBeGreaterThan(60);
  });
});

function action(overrides: Partial<ExportAction> = {}): ExportAction {
  return { id: 'a', text: 'do it', done: false, createdBy: 'Ann', createdAt: '2019-09-10T10:00:00Z', status: 'open', ...overrides };
}

describe('summary model', () => {
  it('groups follow-ups by assignee across sessions, names sorted, and lists contributors', () => {
    const model = buildSummaryModel({
      generatedAt: '2019-09-10T18:30:00Z',
      scope: 'event',
      event: { id: 'e', title: 'E', description: '' },
      sessions: [
        {
          session: { id: 's1', title: 'One', description: '', leads: [], topics: [{ id: 't', title: 'T', speakers: ['Sp'], abstract: 'abs' }] },
          sections: [{ id: 't', title: 'T', notes: 'n', actions: [action({ id: 'a1', assignee: { name: 'zoe' }, createdBy: 'Bob' }), action({ id: 'a2' })], decisions: [] }],
        },
        {
          session: { id: 's2', title: 'Two', description: '', leads: [], topics: [{ id: 'u', title: 'U', speakers: [], abstract: '' }, { id: 'late', title: 'Late', speakers: [], abstract: '' }] },
          sections: [{ id: 'u', title: 'U', notes: '', actions: [action({ id: 'a3', assignee: { name: 'Zoe', email: 'z@example.org' }, due: '2019-10-01' }), action({ id: 'a4', assignee: { name: 'Al' }, createdBy: 'ann' })], decisions: [] }],
        },
      ],
    });
    expect(model.followUps.map((p) => [p.name, p.email, p.items.map((i) => i.actionId)])).toEqual([
      ['Al', undefined, ['a4']],
      ['zoe', 'z@example.org', ['a1', 'a3']],
    ]);
    expect(model.unassigned.map((i) => i.actionId)).toEqual(['a2']);
    expect(model.contributors).toEqual(['Ann', 'Bob']);
    expect(model.sessions[0]!.topics[0]!.speakers).toEqual(['Sp']);
    // A topic the doc has no section for yet still appears, empty.
    expect(model.sessions[1]!.topics.map((t) => t.id)).toEqual(['u', 'late']);
    const md = renderMarkdown(model);
    expect(md).toContain('### zoe (z@example.org)');
    expect(md).toContain('- **open**: do it · *Two › U* · due 2019-10-01');
  });

  it('joins each action item with its follow-up entry from the session state doc', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildTemplateUpdate([{ id: 't', title: 'T' }]));
    const actions = sectionActions(topicSections(doc).get(0) as SectionMap)!;
    const make = (fields: Record<string, unknown>): Y.Map<unknown> => {
      const item = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({ id: 'x', text: 'x', done: false, createdBy: 'A', createdAt: 'now', ...fields })) item.set(key, value);
      return item;
    };
    // Fields on the item map itself are not follow-ups: only the lead-owned state doc counts.
    actions.push([make({ id: '1' }), make({ id: '2', done: true }), make({ id: '3', assignee: { name: 'Forged' }, status: 'done' })]);
    const state = new Y.Doc();
    applyAssignment(state, '1', 't', { assignee: { name: 'Ann', email: 'ann@example.org' }, due: '2019-10-01', status: 'in-progress' }, 'lead', 'now');
    applyAssignment(state, '2', 't', { assignee: { name: '  ' } }, 'lead', 'now');
    const [section] = readExportSections(doc, readFollowups(state));
    expect(section!.actions.map(({ id, assignee, due, status }) => ({ id, assignee, due, status }))).toEqual([
      { id: '1', assignee: { name: 'Ann', email: 'ann@example.org' }, due: '2019-10-01', status: 'in-progress' },
      { id: '2', assignee: undefined, due: undefined, status: 'done' },
      { id: '3', assignee: undefined, due: undefined, status: 'open' },
    ]);
  });

  it('formats the times a topic was really discussed', () => {
    expect(formatDiscussed([{ start: '2019-09-10T10:05:00+01:00', end: '2019-09-10T10:30:00+01:00' }])).toBe('10:05–10:30 UTC+01:00');
    expect(formatDiscussed([{ start: '2019-09-10T11:00:00+01:00', end: null }])).toBe('11:00 UTC+01:00 (ongoing)');
  });

  it('formats schedules in their own offset', () => {
    expect(formatSchedule({ start: '2019-09-10T10:00:00+01:00', end: '2019-09-10T13:30:00+01:00', room: 'Lisboa I' })).toBe(
      'Tuesday 10 September 2019, 10:00–13:30 UTC+01:00, room Lisboa I',
    );
    expect(formatSchedule({ start: '2019-09-10T23:00:00Z', end: '2019-09-11T01:00:00Z' })).toBe('Tuesday 10 September 2019, 23:00 – Wednesday 11 September 2019, 01:00 UTC');
  });
});
