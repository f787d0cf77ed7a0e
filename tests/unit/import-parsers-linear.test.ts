/**
 * Import parsers are linear (issue #13): crafted 200 KB inputs (long runs of spaces, `@`, `<`,
 * nested lists, unterminated constructs) are parsed or refused with IMPORT_INVALID in under 2 s
 * each. A regex with super-linear backtracking takes minutes on some of them.
 */
import { describe, expect, it } from 'vitest';
import { ImportError, parseImport, type ImportFormat } from '../../server/import/index.ts';

const SIZE = 200 * 1024;
/** `unit` repeated to SIZE characters, between `head` and `tail`. */
const run = (unit: string, head = '', tail = ''): string => head + unit.repeat(Math.ceil((SIZE - head.length - tail.length) / unit.length)) + tail;

/** Shapes that make backtracking regexes blow up, wrapped so each parser's rules reach them. */
function corpus(wrap: (payload: string) => string): Array<[string, string]> {
  return [
    ['spaces', wrap(run(' ', 'a', 'b'))],
    ['tabs and spaces', wrap(run(' \t', 'a', 'b'))],
    ['at signs', wrap(run('@'))],
    ['a@ pairs', wrap(run('a@'))],
    ['dotted after @', wrap(run('a.', 'x@', '@'))],
    ['angle brackets', wrap(run('<'))],
    ['< with spaces', wrap(run('< ', '', 'x'))],
    ['unterminated parentheses', wrap(run('(', 'a ', 'x'))],
    ['unterminated quotes', wrap(run('"'))],
    ['unterminated brackets', wrap(run('[{'))],
    ['dots', wrap(run('.', 'a', 'b'))],
    ['commas and', wrap(run(', and ', 'a'))],
    ['word(s)', wrap(run('a(b)', 'x'))],
    ['The ... MC', wrap(run('a ', 'The ', 'x'))],
    ['colons', wrap(run(':', 'topics'))],
  ];
}

const inputs: Array<[ImportFormat, string, string]> = [
  ...corpus((p) => p).map(([name, body]): [ImportFormat, string, string] => ['page', name, body]),
  ...corpus((p) => `The Test MC is about ${p}.\nTopics we would like to cover include:\n- a topic\n`).map(([name, body]): [ImportFormat, string, string] => ['page', `description of ${name}`, body]),
  ...corpus((p) => `The Test MC.\nTopics we would like to cover include:\n- ${p}\n`).map(([name, body]): [ImportFormat, string, string] => ['page', `listed topic of ${name}`, body]),
  ...corpus((p) => `The Test MC.\nTopics we would like to cover include:\n- a topic\nMC leads: ${p}\n`).map(([name, body]): [ImportFormat, string, string] => ['page', `leads of ${name}`, body]),
  ...corpus((p) => `The Test MC.\nTopics we would like to cover include:\n- a topic\nMC leads: Ann\n\n${p}\n`).map(([name, body]): [ImportFormat, string, string] => ['page', `proposal of ${name}`, body]),
  ...corpus((p) => `# Session ${p}`).map(([name, body]): [ImportFormat, string, string] => ['markdown', `heading of ${name}`, body]),
  ...corpus((p) => `# Session\n- ${p}`).map(([name, body]): [ImportFormat, string, string] => ['markdown', `topic of ${name}`, body]),
  ...corpus((p) => `# Session\nLeads: ${p}\n- topic`).map(([name, body]): [ImportFormat, string, string] => ['markdown', `leads of ${name}`, body]),
  ['markdown', 'nested lists', `# Session\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i % 100)}- item ${i}`).join('\n')}`],
  ['markdown', 'deep list markers', `# Session\n${run('- ')}`],
  ['markdown', 'hashes', run('#', '', ' x')],
  ...corpus((p) => JSON.stringify({ title: 'S', leads: [{ name: 'N', email: p.slice(0, 254) }], topics: [{ title: 'T' }] })).map(
    ([name, body]): [ImportFormat, string, string] => ['json', `email of ${name}`, body],
  ),
  ['json', 'long email-like lead', JSON.stringify({ title: 'S', leads: [{ name: 'N', email: run('a.', 'x@', '@') }], topics: [{ title: 'T' }] })],
  ['json', 'unterminated JSON', run('[')],
];

describe('import parsers on crafted 200 KB inputs', () => {
  it.each(inputs)('%s: %s is parsed or refused in under 2 s', (format, _name, body) => {
    const started = performance.now();
    let outcome = 'parsed';
    try {
      parseImport(format, body);
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      expect(error.code).toBe('IMPORT_INVALID');
      outcome = 'refused';
    }
    const elapsedMs = performance.now() - started;
    if (elapsedMs > 100) console.log(`${format} ${_name}: ${outcome} in ${Math.round(elapsedMs)} ms`);
    expect(elapsedMs).toBeLessThan(2000);
  });
});
