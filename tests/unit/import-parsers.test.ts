// Over ~350 lines: every import format's parser against its fixtures and failure cases, one table of cases each.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SessionDraft } from '../../shared/domain.ts';
import { ImportError } from '../../server/import/import-error.ts';
import { parserProblemsOf } from '../../server/import/draft-origins.ts';
import { detectFormat, parseImport } from '../../server/import/index.ts';
import { parseJsonImport } from '../../server/import/parse-json.ts';
import { parseMarkdownOutline } from '../../server/import/parse-markdown.ts';
import { parsePageText } from '../../server/import/parse-page.ts';
import { makeTitle } from '../../server/import/topic-titles.ts';

const seedPath = fileURLToPath(new URL('../../data/seed/containers-cr.txt', import.meta.url));
const goldenPath = fileURLToPath(new URL('../fixtures/seed-import.golden.json', import.meta.url));
const seedText = readFileSync(seedPath, 'utf8');

/** Runs `fn`, asserts it throws an ImportError whose message contains every part; returns it. */
function importError(fn: () => unknown, ...parts: string[]): ImportError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ImportError);
  const error = caught as ImportError;
  expect(error.code).toBe('IMPORT_INVALID');
  for (const part of parts) expect(error.message).toContain(part);
  return error;
}

describe('ImportError', () => {
  it('is an Error with code IMPORT_INVALID, a name and its location', () => {
    const error = new ImportError('line 3: boom', { line: 3 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ImportError');
    expect(error.code).toBe('IMPORT_INVALID');
    expect(error.message).toBe('line 3: boom');
    expect(error.line).toBe(3);
    expect(error.path).toBeUndefined();
  });
});

describe('parsePageText: the seed page (LPC 2019 Containers and Checkpoint/Restore MC)', () => {
  const draft = parsePageText(seedText);

  it('matches the golden file', () => {
    const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as SessionDraft;
    expect(draft).toEqual(golden);
  });

  it('infers the session title and keeps the description without the topic-list intro or boilerplate', () => {
    expect(draft.title).toBe('Containers and Checkpoint/Restore MC');
    expect(draft.description?.startsWith('The Containers and Checkpoint/Restore MC at Linux Plumbers is')).toBe(true);
    expect(draft.description?.endsWith('prompted us to reprise the microconference this year.')).toBe(true);
    expect(draft.description?.split('\n\n')).toHaveLength(3);
    expect(draft.description).not.toContain('Topics we would like');
    expect(draft.description).not.toContain('Etherpad');
    expect(JSON.stringify(draft)).not.toContain('etherpad.net');
    expect(JSON.stringify(draft)).not.toContain('If you are interested');
  });

  it('parses the three MC leads with their emails', () => {
    expect(draft.leads).toEqual([
      { name: 'Stéphane Graber', email: 'stgraber@stgraber.org' },
      { name: 'Christian Brauner', email: 'christian@brauner.io' },
      { name: 'Mike Rapoport', email: 'mike.rapoport@gmail.com' },
    ]);
  });

  it('yields the 10 listed topics, then the 9 proposals', () => {
    expect(draft.topics).toHaveLength(19);
    const listed = draft.topics.slice(0, 10);
    expect(listed[0]).toEqual({ title: 'Android containers' });
    expect(listed[9]).toEqual({ title: 'Address space separation for containers' });
    // A short listed topic is its own title; the long one keeps its full text as the abstract.
    const securing = listed[2];
    expect(securing?.title).toBe('Securing containres by rethinking parts of ptrace access…');
    expect(securing?.abstract).toMatch(/^Securing containres by .* how to make procfs more secure or restricted\.$/);
    const proposals = draft.topics.slice(10);
    expect(proposals.map((t) => t.abstract?.slice(0, 30))).toEqual([
      'CRIU only restores processes w',
      'Containers are generally perci',
      'Over the last year we have wor',
      'Container runtimes, engines an',
      'The Linux kernel has recently ',
      'Since Canonical is now shippin',
      'Userspace has (for a long time',
      'The kernel contains a keyrings',
      'We have a number of unsolved t',
    ]);
  });

  it('splits proposals at truncation marks and after the short complete shiftfs abstract', () => {
    const proposals = draft.topics.slice(10);
    const shiftfs = proposals[5];
    expect(shiftfs?.abstract).toBe(
      'Since Canonical is now shipping it I think we can all agree it solves a problem and we just need to get the patches into shape for upstream submission. Can we discuss a pathway for doing that.',
    );
    for (const [k, topic] of proposals.entries()) {
      if (k !== 5) expect(topic.abstract?.endsWith('...')).toBe(true);
    }
    // Multi-paragraph abstracts stay together: the list items belong to the Google abstract.
    expect(proposals[2]?.abstract?.split('\n\n')).toHaveLength(3);
    expect(proposals[2]?.abstract).toContain('migration:\n\n- Lack of support for reading rseq configuration');
  });

  it('joins line fragments: hard-wrapped lines with a space, code-span suffixes and punctuation without', () => {
    const pidDance = draft.topics[10]?.abstract ?? '';
    expect(pidDance).toContain('like fork_with_pid() CRIU does the PID dance');
    expect(pidDance).toContain('The PID dance consists of open()ing /proc/sys/kernel/ns_last_pid, write()ing PID-1 to...');
    expect(draft.topics[11]?.abstract).toContain('less secure than virtual machines. Without going into a theological argument');
  });

  it('loses no text of the proposal section', () => {
    const start = seedText.indexOf('CRIU only restores');
    const squash = (s: string): string => s.replace(/\s+/g, '');
    const proposals = draft.topics.slice(10).map((t) => t.abstract ?? '');
    expect(squash(proposals.join(''))).toBe(squash(seedText.slice(start)));
  });

  it('derives short proposal titles from the first sentence, cut only between words', () => {
    expect(draft.topics.slice(10).map((t) => t.title)).toEqual([
      'CRIU only restores processes with the same PID…',
      'Containers are percieved less secure than virtual machines',
      'Expanding the task migration using CRIU in Google',
      'Container runtimes, engines and orchestrators provide…',
      'The Linux kernel has acquired a new API for creating mounts',
      'Since Canonical is shipping it I think we can all agree…',
      'Userspace has needed a mechanism to restrict path resolution',
      'The kernel contains a keyrings facility for handling tokens…',
      'Unsolved time and vdso related issues in CRIU',
    ]);
    for (const topic of draft.topics) {
      expect(topic.title.length).toBeLessThanOrEqual(75);
      const source = (topic.abstract ?? topic.title).toLowerCase();
      for (const word of topic.title.replace(/…$/, '').toLowerCase().split(' ')) {
        // Every title word is a whole word of the source text: no mid-word cuts.
        expect(source).toMatch(new RegExp(`(?:^|[\\s(])${word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:$|[\\s,.:;)])`));
      }
    }
    expect(draft.topics.filter((t) => t.title.length > 60).map((t) => t.title)).toEqual([
      'Improving the state of userfaultfd and its adoption in container runtimes',
    ]);
  });
});

describe('parsePageText: other pages', () => {
  const page = (proposals: string): string =>
    [
      'The Tracing microconference brings together people who work on tracing.',
      'We would like to cover these topics:',
      '',
      'Ring buffer rework',
      'BPF and ftrace',
      'If you are interested in participating, please use the CfP process.',
      'MC leads: Ada Lovelace <ada@example.org> and Grace Hopper',
      proposals,
    ].join('\n');

  it('handles a page without a "Description" header, inline leads and "microconference"', () => {
    const draft = parsePageText(page(''));
    expect(draft.title).toBe('Tracing MC');
    expect(draft.description).toBe('The Tracing microconference brings together people who work on tracing.');
    expect(draft.leads).toEqual([{ name: 'Ada Lovelace', email: 'ada@example.org' }, { name: 'Grace Hopper' }]);
    expect(draft.topics).toEqual([{ title: 'Ring buffer rework' }, { title: 'BPF and ftrace' }]);
  });

  // A truncated abstract of 385 characters, hard-wrapped over two lines at a space.
  const truncated =
    'The ring buffer is used by every tracer in the kernel and it is showing its age. '.repeat(4) +
    'We propose to rework it so that it scales to many CPUs and...';
  const wrapAt = truncated.indexOf(' ', 200);
  const wrapped = [truncated.slice(0, wrapAt), truncated.slice(wrapAt + 1)];

  it('separates a short complete two-paragraph abstract from the truncated one after it', () => {
    const draft = parsePageText(
      page(['Short complete proposal about probes.', 'Its second paragraph explains more.', ...wrapped].join('\n')),
    );
    expect(truncated).toHaveLength(385);
    expect(wrapped[0]?.endsWith('.')).toBe(false);
    // 35 + 1 + 385 > 410, so the truncated abstract is only its own paragraph; the two before it
    // fit under the limit together and form one complete abstract.
    expect(draft.topics.slice(2).map((t) => t.abstract)).toEqual([
      'Short complete proposal about probes.\n\nIts second paragraph explains more.',
      truncated,
    ]);
    expect(draft.topics[2]?.title).toBe('Short complete proposal about probes');
    expect(draft.topics[3]?.title).toBe('The ring buffer is used by every tracer in the kernel…');
  });

  it('keeps a multi-paragraph truncated abstract together after a short complete one', () => {
    const first = 'Probes are cheap. '.repeat(10).trim();
    const second = `${'Tracepoints are stable. '.repeat(8)}We need...`;
    const draft = parsePageText(page(['Uprobes are slow and we know why.', first, second, 'Last one, complete.'].join('\n')));
    expect(draft.topics.slice(2).map((t) => t.abstract)).toEqual([
      'Uprobes are slow and we know why.',
      `${first}\n\n${second}`,
      'Last one, complete.',
    ]);
  });

  it('leaves the title undefined when the description does not name the MC', () => {
    const draft = parsePageText('Description\nA gathering of people.\nTopics:\nOne topic\nMore to be added');
    expect(draft.title).toBeUndefined();
    expect(draft.description).toBe('A gathering of people.');
    expect(draft.leads).toBeUndefined();
    expect(draft.topics).toEqual([{ title: 'One topic' }]);
  });

  it('throws ImportError on an empty page, a page without a topic list, and an empty topic list', () => {
    importError(() => parsePageText(''), 'empty');
    importError(() => parsePageText(' \n\n\t\n'), 'empty');
    importError(() => parsePageText('Description\nJust some text.\nNo list here.'), 'no topic list', 'Topics we would like to cover include:');
    importError(
      () => parsePageText('Description\nThe X MC.\nTopics we would like to cover include:\nMore to be added later'),
      'line 3',
      'topic list',
      'empty',
    );
  });
});

describe('makeTitle', () => {
  it('keeps short text, drops a final period, condenses asides and hedges', () => {
    expect(makeTitle('Adding a new clone syscall.')).toBe('Adding a new clone syscall');
    expect(makeTitle('Userspace has (for a long time) needed a mechanism to restrict path resolution.')).toBe(
      'Userspace has needed a mechanism to restrict path resolution',
    );
  });

  it('cuts at a clause boundary when the leading clause is 30-60 characters', () => {
    expect(
      makeTitle('Upstreaming the time namespace patchset, which has been pending for several releases and needs review'),
    ).toBe('Upstreaming the time namespace patchset');
  });

  it('otherwise cuts at a word boundary, never ends on a dangling word, and marks the cut', () => {
    const title = makeTitle('CRIU only restores processes with the same PID the processes used to have during checkpointing.');
    expect(title).toBe('CRIU only restores processes with the same PID…');
    expect(makeTitle('x'.repeat(100))).toBe(`${'x'.repeat(59)}…`);
    expect(makeTitle('Short but truncated...')).toBe('Short but truncated…');
  });
});

describe('parseMarkdownOutline', () => {
  const outline = [
    '# Containers and Checkpoint/Restore MC',
    'The MC is the opportunity for runtime maintainers',
    'and kernel developers.',
    '',
    'Second paragraph.',
    'Leads: Stéphane Graber <stgraber@stgraber.org>, Christian Brauner <christian@brauner.io>, and Mike Rapoport',
    'Schedule: 2019-09-10T10:00:00+02:00 / 2019-09-10T13:30:00+02:00',
    '',
    '- CRIU and the PID dance',
    '  - Speakers: Adrian Reber, Pavel Emelyanov and Andrei Vagin',
    '  CRIU only restores processes with the same PID',
    '  they had when checkpointed.',
    '',
    '  A second paragraph.',
    '* Address space isolation',
    '',
    '# Tracing MC',
    '- Ring buffer',
    '    - Abstract: The ring buffer is old.',
    '    - Needs a rework.',
  ].join('\r\n');

  it('parses two sessions with description, leads, schedule, topics, speakers and abstracts', () => {
    expect(parseMarkdownOutline(outline)).toEqual([
      {
        title: 'Containers and Checkpoint/Restore MC',
        description: 'The MC is the opportunity for runtime maintainers and kernel developers.\n\nSecond paragraph.',
        leads: [
          { name: 'Stéphane Graber', email: 'stgraber@stgraber.org' },
          { name: 'Christian Brauner', email: 'christian@brauner.io' },
          { name: 'Mike Rapoport' },
        ],
        schedule: { start: '2019-09-10T10:00:00+02:00', end: '2019-09-10T13:30:00+02:00' },
        topics: [
          {
            title: 'CRIU and the PID dance',
            speakers: ['Adrian Reber', 'Pavel Emelyanov', 'Andrei Vagin'],
            abstract: 'CRIU only restores processes with the same PID they had when checkpointed.\n\nA second paragraph.',
          },
          { title: 'Address space isolation' },
        ],
      },
      {
        title: 'Tracing MC',
        topics: [{ title: 'Ring buffer', abstract: 'The ring buffer is old.\n\nNeeds a rework.' }],
      },
    ] satisfies SessionDraft[]);
  });

  it('accepts a session with no topics and a schedule with only a start, and strips closing #s', () => {
    expect(parseMarkdownOutline('# Empty MC #\nSchedule: 2019-09-11T15:00:00Z')).toEqual([
      { title: 'Empty MC', schedule: { start: '2019-09-11T15:00:00Z' }, topics: [] },
    ]);
  });

  it('rejects a topic before any heading, naming the line', () => {
    const error = importError(() => parseMarkdownOutline('\n- Orphan topic\n# Session'), 'line 2:', 'before any "# " session heading');
    expect(error.line).toBe(2);
    importError(() => parseMarkdownOutline('Some preamble\n# Session'), 'line 1:', 'text before the first');
  });

  it('rejects a document with no sessions', () => {
    importError(() => parseMarkdownOutline(''), 'no sessions');
    importError(() => parseMarkdownOutline('\n  \n\n'), 'no sessions');
  });

  it('rejects a heading with no text, naming the line', () => {
    importError(() => parseMarkdownOutline('# Good\n- Topic\n#\n- Other'), 'line 3:', 'heading', 'no text');
    importError(() => parseMarkdownOutline('# Good\n\n#   \n'), 'line 3:', 'no text');
    importError(() => parseMarkdownOutline('# Good\n# ##'), 'line 2:', 'no text');
  });

  it('skips a topic without a title (and its indented lines), reporting it with its line (issue #15)', () => {
    const [session] = parseMarkdownOutline('# S\n- \n  lost abstract\n- Kept\n');
    expect(session!.topics.map((t) => t.title)).toEqual(['Kept']);
    expect(session!.topics[0]!.abstract).toBeUndefined();
    expect(parserProblemsOf(session!)).toEqual([{ where: 'line 2', message: expect.stringContaining('without a title') }]);
  });

  it('rejects other malformed lines, naming the line', () => {
    importError(() => parseMarkdownOutline('# S\n## Sub'), 'line 2:', '"##" headings are not supported');
    importError(() => parseMarkdownOutline('# S\n- Topic\nNot indented'), 'line 3:', 'unindented text after topic "Topic"');
    importError(() => parseMarkdownOutline('# S\nLeads: A\nLeads: B'), 'line 3:', 'second "Leads:"');
    importError(() => parseMarkdownOutline('# S\nLeads: ,'), 'line 2:', 'names no one');
    importError(() => parseMarkdownOutline('# S\nSchedule: tomorrow'), 'line 2:', 'schedule start "tomorrow"');
    importError(() => parseMarkdownOutline('# S\nSchedule: 2019-09-10T10:00:00Z / 2019-09-10T09:00:00Z'), 'line 2:', 'ends', 'before it starts');
    importError(() => parseMarkdownOutline('# S\nSchedule: 2019-02-30T10:00:00Z'), 'line 2:', 'not an ISO 8601');
    importError(() => parseMarkdownOutline(`# S\n- ${'t'.repeat(301)}`), 'line 2:', 'topic title too long', '301');
    importError(() => parseMarkdownOutline(`# S\n- T\n  ${'a'.repeat(20_001)}`), 'line 2:', 'abstract too long');
  });
});

describe('parseJsonImport', () => {
  const session = {
    id: 'containers-cr',
    title: '  Containers MC ',
    description: 'About containers.',
    leads: [{ name: 'Mike Rapoport', email: 'mike.rapoport@gmail.com' }, { name: 'Christian Brauner' }],
    schedule: { start: '2019-09-10T10:00:00+02:00', end: '2019-09-10T13:30:00+02:00', room: 'Esplanade' },
    topics: [
      { id: 'pid-dance', title: 'CRIU PID dance', speakers: ['Adrian Reber'], abstract: 'CRIU only restores...' },
      { title: 'shiftfs' },
    ],
  };
  const expected: SessionDraft = { ...session, title: 'Containers MC' };

  it('accepts a single session object, an array of them, and {sessions: [...]}', () => {
    expect(parseJsonImport(session)).toEqual([expected]);
    expect(parseJsonImport([session, { topics: [] }])).toEqual([expected, { topics: [] }]);
    expect(parseJsonImport({ sessions: [session] })).toEqual([expected]);
  });

  it('ignores the store fields of an exported session and does not return the input objects', () => {
    const exported = { ...session, eventId: 'lpc-2019', createdAt: '2019-09-01T00:00:00Z', updatedAt: '2019-09-02T00:00:00Z' };
    const [draft] = parseJsonImport(exported);
    expect(draft).toEqual(expected);
    expect(draft?.topics[0]).not.toBe(session.topics[0]);
  });

  it('names the path of an invalid value', () => {
    const topics = [{ title: 'a' }, { title: 'b' }, { title: 'c' }, { title: '  ' }];
    importError(() => parseJsonImport({ sessions: [{ topics }] }), 'sessions[0].topics[3].title: expected a non-empty string');
    importError(() => parseJsonImport([{ topics: [{ title: 'ok' }] }, { topics: [{ title: 7 }] }]), '[1].topics[0].title: expected a non-empty string, got a number');
    importError(() => parseJsonImport({ topics: [{}] }), 'topics[0].title: expected a non-empty string');
    importError(() => parseJsonImport({ topics: 'none' }), 'topics: expected an array of topics, got a string');
    importError(() => parseJsonImport({ sessions: {} }), 'sessions: expected an array of sessions');
    importError(() => parseJsonImport({ sessions: [null] }), 'sessions[0]: expected a session object, got null');
    importError(() => parseJsonImport({ topics: [{ title: 'x', speakers: ['ok', ''] }] }), 'topics[0].speakers[1]: expected a non-empty string');
    importError(() => parseJsonImport({ topics: [], leads: [{ email: 'a@b.org' }] }), 'leads[0].name: expected a non-empty string');
    importError(() => parseJsonImport({ topics: [], leads: [{ name: 'A', email: 'not-an-email' }] }), 'leads[0].email: expected an email address');
    importError(() => parseJsonImport({ topics: [], description: 5 }), 'description: expected a string, got a number');
  });

  it('rejects ids that do not pass isValidId, and duplicate ids', () => {
    importError(() => parseJsonImport({ id: 'Bad Id', topics: [] }), 'id: expected an id', '"Bad Id"');
    importError(() => parseJsonImport({ sessions: [{ topics: [{ id: '-x', title: 't' }] }] }), 'sessions[0].topics[0].id: expected an id');
    importError(() => parseJsonImport({ topics: [{ id: 42, title: 't' }] }), 'topics[0].id: expected an id', 'got a number');
    importError(() => parseJsonImport({ topics: [{ id: 'a', title: 't' }, { id: 'a', title: 'u' }] }), 'topics[1].id: duplicate topic id "a"');
    importError(() => parseJsonImport([{ id: 's', topics: [] }, { id: 's', topics: [] }]), '[1].id: duplicate session id "s"');
  });

  it('rejects unknown top-level types and unknown fields', () => {
    for (const value of ['text', 42, null, true, undefined, {}, { title: 'no topics' }]) {
      importError(() => parseJsonImport(value), '(root): expected a session object with "topics"');
    }
    importError(() => parseJsonImport([]), '(root): expected at least one session');
    importError(() => parseJsonImport({ sessions: [] }), 'sessions: expected at least one session');
    importError(() => parseJsonImport({ topics: [{ title: 't', abstact: 'typo' }] }), 'topics[0].abstact: unknown field');
    importError(() => parseJsonImport({ sessions: [], extra: 1 }), 'extra: unknown field');
    importError(() => parseJsonImport(JSON.parse('{"topics":[],"__proto__":{}}')), '__proto__: unknown field');
  });

  it('enforces the size limits', () => {
    importError(() => parseJsonImport({ topics: [{ title: 't'.repeat(301) }] }), 'topics[0].title: too long: 301 characters (at most 300)');
    expect(parseJsonImport({ topics: [{ title: 't'.repeat(300) }] })[0]?.topics[0]?.title).toHaveLength(300);
    importError(() => parseJsonImport({ title: 't'.repeat(301), topics: [] }), 'title: too long');
    importError(() => parseJsonImport({ topics: [{ title: 't', abstract: 'a'.repeat(20_001) }] }), 'topics[0].abstract: too long');
    importError(() => parseJsonImport({ topics: [], description: 'd'.repeat(20_001) }), 'description: too long');
    const topics = Array.from({ length: 501 }, (_, i) => ({ title: `t${i}` }));
    importError(() => parseJsonImport({ topics }), 'topics: too many topics: 501 (at most 500)');
    expect(parseJsonImport({ topics: topics.slice(0, 500) })[0]?.topics).toHaveLength(500);
    const leads = Array.from({ length: 51 }, (_, i) => ({ name: `Lead ${i}` }));
    importError(() => parseJsonImport({ topics: [], leads }), 'leads: too many leads: 51 (at most 50)');
  });

  it('validates the schedule', () => {
    importError(() => parseJsonImport({ topics: [], schedule: { start: '10:00' } }), 'schedule.start: expected an ISO 8601 date-time');
    importError(() => parseJsonImport({ topics: [], schedule: { start: '2019-09-10T10:00:00' } }), 'schedule.start: expected an ISO 8601 date-time with offset');
    importError(() => parseJsonImport({ topics: [], schedule: { start: '2019-09-10T10:00:00Z', end: '2019-09-10T09:00:00Z' } }), 'schedule.end: ends');
    importError(() => parseJsonImport({ topics: [], schedule: { end: '2019-09-10T09:00:00Z' } }), 'schedule.start: expected a non-empty string');
    importError(() => parseJsonImport({ topics: [], schedule: { start: '2019-09-10T10:00:00Z', day: 2 } }), 'schedule.day: unknown field');
  });
});

describe('parseImport and detectFormat', () => {
  it('parses each format from a string body', () => {
    expect(parseImport('page', seedText)).toEqual([parsePageText(seedText)]);
    expect(parseImport('markdown', '# S\n- T')).toEqual([{ title: 'S', topics: [{ title: 'T' }] }]);
    expect(parseImport('json', '\uFEFF{"sessions": [{"title": "S", "topics": [{"title": "T"}]}]}')).toEqual([
      { title: 'S', topics: [{ title: 'T' }] },
    ]);
  });

  it('reports a JSON syntax error with what V8 found', () => {
    importError(() => parseImport('json', '{"a":}'), 'invalid JSON', `Unexpected token '}'`);
    importError(() => parseImport('json', '   '), 'invalid JSON: the body is empty');
  });

  it('rejects an unknown format at run time', () => {
    importError(() => parseImport('csv' as never, 'a,b'), 'unknown import format "csv"');
  });

  it('detects the format from the file name or content type, then from the body', () => {
    expect(detectFormat('sessions.JSON', '# looks like markdown')).toBe('json');
    expect(detectFormat('application/json; charset=utf-8', '')).toBe('json');
    expect(detectFormat('application/vnd.mcpad+json', '')).toBe('json');
    expect(detectFormat('outline.md', 'Description')).toBe('markdown');
    expect(detectFormat('text/markdown', '')).toBe('markdown');
    expect(detectFormat('notes.txt', '\n\n# Session\n- topic')).toBe('markdown');
    expect(detectFormat('text/plain', '  [ {"topics": []} ]')).toBe('json');
    expect(detectFormat('containers-cr.txt', seedText)).toBe('page');
    expect(detectFormat('', '#hashtag is not a heading')).toBe('page');
  });
});
