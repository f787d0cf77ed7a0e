/**
 * Makes a topic's Markdown notes safe to embed in a larger Markdown document without changing
 * their structure: headings are demoted below the topic heading, and a code fence, HTML comment or
 * raw-HTML block left open at the end is closed so it cannot swallow the following topics.
 * Block positions come from markdown-it's CommonMark parser, so `#` inside code is never touched.
 */
import MarkdownIt from 'markdown-it';

const parser = new MarkdownIt('commonmark');

/** HTML block openers (CommonMark block types 1 and 2) that only end at their closing marker. */
const RAW_HTML_BLOCKS: Array<[RegExp, string]> = [
  [/^ {0,3}<!--/, '-->'],
  [/^ {0,3}<script(?:\s|>|$)/i, '</script>'],
  [/^ {0,3}<pre(?:\s|>|$)/i, '</pre>'],
  [/^ {0,3}<style(?:\s|>|$)/i, '</style>'],
  [/^ {0,3}<textarea(?:\s|>|$)/i, '</textarea>'],
];

/**
 * Returns `notes` with ATX and setext headings at the top level moved down by `shift` levels
 * (at most h6) and unterminated blocks closed; ends with exactly one newline ('' when empty).
 */
export function embedNotes(notes: string, shift: number): string {
  const text = notes.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  if (text === '') return '';
  const lines = text.split('\n');
  const tokens = parser.parse(text, {});
  const replaced = new Map<number, string | null>();
  let closing: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.level !== 0 || !token.map) continue;
    const [start, end] = token.map;
    if (token.type === 'heading_open') {
      const level = Math.min(6, Number(token.tag.slice(1)) + shift);
      const hashes = '#'.repeat(level);
      if (token.markup.startsWith('#')) {
        replaced.set(start, lines[start]!.replace(/^( {0,3})#{1,6}/, `$1${hashes}`));
      } else {
        // Setext: content lines, then the underline; one ATX line keeps the same inline text.
        const inline = tokens[i + 1]?.content ?? '';
        replaced.set(start, `${hashes} ${inline.replace(/\n/g, ' ')}`);
        for (let line = start + 1; line < end; line++) replaced.set(line, null);
      }
    } else if (token.type === 'fence' && end >= lines.length) {
      const fenceChar = token.markup[0]!;
      const closer = new RegExp(`^ {0,3}\\${fenceChar}{${token.markup.length},}\\s*$`);
      if (end - 1 === start || !closer.test(lines[end - 1]!)) closing = token.markup;
    } else if (token.type === 'html_block' && end >= lines.length) {
      const opener = RAW_HTML_BLOCKS.find(([pattern]) => pattern.test(lines[start]!));
      if (opener && !token.content.slice(token.content.search(/</) + 1).toLowerCase().includes(opener[1])) closing = opener[1];
    }
  }
  const out: string[] = [];
  lines.forEach((line, index) => {
    const replacement = replaced.get(index);
    if (replacement === undefined) out.push(line);
    else if (replacement !== null) out.push(replacement);
  });
  if (closing) out.push(closing);
  return `${out.join('\n')}\n`;
}

/** Escapes text (a title, a name) so CommonMark shows it literally on one line. */
export function escapeInline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>&~|!]/g, (c) => `\\${c}`)
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}
