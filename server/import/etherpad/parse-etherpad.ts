/**
 * Etherpad's `.etherpad` export (one JSON object of its database records) → Markdown lines with
 * the author of every character run. Reads:
 *  - `pad:<id>`.atext: the head text and its attribute string (`*N` attributes from the pool,
 *    `|L` line counts, `+N` lengths in base 36, counted in UTF-16 code units),
 *  - the pool: `author`, `bold`, `italic`, `strikethrough`, and list markers (`lmkr` + `list`
 *    = bulletN | numberN | indentN, `start`),
 *  - `globalAuthor:<id>` records: name and colour (a `#rrggbb` string or a palette index, palette.ts),
 *  - `pad:<id>:revs:<head>`.meta.timestamp: the last edit time.
 * Linear in the size of the text and attribute string. Anything that does not fit is an
 * ImportError naming the JSON path.
 */
import { ImportError } from '../import-error.ts';
import { etherpadColour } from './palette.ts';
import { listPrefix, pushRun, trimTrailingEmpty, type PadAuthor, type PadLine, type ParsedPad } from './pad-lines.ts';

type Attrib = [string, string];

interface Segment {
  text: string;
  attribs: Attrib[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, problem: string): never {
  throw new ImportError(`not an Etherpad export: ${path} ${problem}`, { path });
}

export function parseEtherpadJson(value: unknown): ParsedPad {
  if (!isRecord(value)) fail('(root)', 'must be a JSON object of Etherpad records');
  const padKey = Object.keys(value).find((key) => key.startsWith('pad:') && !key.includes(':', 4));
  if (!padKey) fail('(root)', 'has no "pad:<id>" record');
  const pad = value[padKey];
  if (!isRecord(pad)) fail(`["${padKey}"]`, 'must be an object');
  const atext = pad['atext'];
  if (!isRecord(atext)) fail(`["${padKey}"].atext`, 'must be an object');
  const text = atext['text'];
  const attribs = atext['attribs'];
  if (typeof text !== 'string') fail(`["${padKey}"].atext.text`, 'must be a string');
  if (typeof attribs !== 'string') fail(`["${padKey}"].atext.attribs`, 'must be a string');
  const poolValue = pad['pool'];
  const numToAttrib = isRecord(poolValue) ? poolValue['numToAttrib'] : undefined;
  if (!isRecord(numToAttrib)) fail(`["${padKey}"].pool.numToAttrib`, 'must be an object');
  const pool = new Map<number, Attrib>();
  for (const [num, attrib] of Object.entries(numToAttrib)) {
    if (!Array.isArray(attrib) || attrib.length !== 2 || typeof attrib[0] !== 'string' || typeof attrib[1] !== 'string') {
      fail(`["${padKey}"].pool.numToAttrib["${num}"]`, 'must be a [key, value] pair of strings');
    }
    pool.set(Number(num), [attrib[0], attrib[1]]);
  }

  const segments = segmentsOf(text, attribs, pool, `["${padKey}"].atext.attribs`);
  const lines = trimTrailingEmpty(markdownLines(segments));

  const authors = new Map<string, PadAuthor>();
  for (const [, [key, id]] of pool) {
    if (key !== 'author' || id === '') continue;
    const record = value[`globalAuthor:${id}`];
    if (record === undefined) continue;
    if (!isRecord(record)) fail(`["globalAuthor:${id}"]`, 'must be an object');
    const name = typeof record['name'] === 'string' && record['name'].trim() !== '' ? record['name'].trim() : `Etherpad author ${id}`;
    const color = etherpadColour(record['colorId']);
    authors.set(id, color ? { name, color } : { name });
  }

  const head = pad['head'];
  let lastEdited: number | undefined;
  if (typeof head === 'number') {
    const rev = value[`${padKey}:revs:${head}`];
    const meta = isRecord(rev) ? rev['meta'] : undefined;
    if (isRecord(meta) && typeof meta['timestamp'] === 'number') lastEdited = meta['timestamp'];
  }
  return { lines, authors, ...(lastEdited !== undefined ? { lastEdited } : {}) };
}

/** Splits the text into runs of equal attributes, following the attribute string's ops. */
function segmentsOf(text: string, attribs: string, pool: ReadonlyMap<number, Attrib>, path: string): Segment[] {
  const segments: Segment[] = [];
  let offset = 0;
  let pending: Attrib[] = [];
  let i = 0;
  while (i < attribs.length) {
    const ch = attribs[i]!;
    const start = ++i;
    while (i < attribs.length && /[0-9a-z]/.test(attribs[i]!)) i++;
    const num = parseInt(attribs.slice(start, i), 36);
    if (Number.isNaN(num)) fail(path, `has a malformed op at character ${start}`);
    if (ch === '*') {
      const attrib = pool.get(num);
      if (!attrib) fail(path, `uses attribute *${num.toString(36)} that is not in the pool`);
      pending.push(attrib);
    } else if (ch === '|') {
      // Line count of the next op: the text tells us the lines.
    } else if (ch === '+') {
      if (offset + num > text.length) fail(path, 'covers more characters than the text has');
      segments.push({ text: text.slice(offset, offset + num), attribs: pending });
      offset += num;
      pending = [];
    } else {
      fail(path, `has an unexpected "${ch}" at character ${start}`);
    }
  }
  if (offset < text.length) segments.push({ text: text.slice(offset), attribs: [] });
  return segments;
}

function attribValue(attribs: readonly Attrib[], key: string): string | undefined {
  return attribs.find(([k]) => k === key)?.[1];
}

/** Segments → Markdown lines: list markers become `- ` / `N. `, bold/italic/strikethrough marks. */
function markdownLines(segments: readonly Segment[]): PadLine[] {
  const lines: PadLine[] = [];
  let line: PadLine = { runs: [] };
  let atLineStart = true;
  // Numbered-list counters per level (1-based); reset by a shallower item or a non-list line.
  const counters: number[] = [];
  for (const segment of segments) {
    const author = attribValue(segment.attribs, 'author') || null;
    let rest = segment.text;
    while (rest !== '') {
      if (atLineStart) {
        atLineStart = false;
        const list = attribValue(segment.attribs, 'lmkr') ? attribValue(segment.attribs, 'list') : undefined;
        if (list !== undefined && rest[0] === '*') {
          rest = rest.slice(1);
          const match = /^(bullet|number|indent)(\d+)$/.exec(list);
          const kind = match?.[1] ?? 'bullet';
          const level = Number(match?.[2] ?? 1);
          counters.length = Math.min(counters.length, level);
          if (kind === 'number') {
            const start = Number(attribValue(segment.attribs, 'start'));
            const current = counters[level - 1];
            counters[level - 1] = current === undefined ? (Number.isInteger(start) && start > 0 && level === 1 ? start : 1) : current + 1;
            pushRun(line, listPrefix('number', level, counters[level - 1]!), author);
          } else if (kind === 'bullet') {
            pushRun(line, listPrefix('bullet', level, 1), author);
          } else {
            pushRun(line, '  '.repeat(level), author);
          }
          continue;
        }
        counters.length = 0;
      }
      const newline = rest.indexOf('\n');
      const piece = newline === -1 ? rest : rest.slice(0, newline);
      if (piece !== '') pushRun(line, styled(piece, segment.attribs), author);
      if (newline === -1) break;
      lines.push(line);
      line = { runs: [] };
      atLineStart = true;
      rest = rest.slice(newline + 1);
    }
  }
  if (line.runs.length > 0) lines.push(line);
  return lines;
}

/** Markdown emphasis around `text` (leading/trailing spaces kept outside the marks). */
function styled(text: string, attribs: readonly Attrib[]): string {
  let open = '';
  if (attribValue(attribs, 'bold') === 'true') open += '**';
  if (attribValue(attribs, 'italic') === 'true') open += '_';
  if (attribValue(attribs, 'strikethrough') === 'true') open += '~~';
  if (open === '' || text.trim() === '') return text;
  const close = [...open.matchAll(/\*\*|_|~~/g)].map((m) => m[0]).reverse().join('');
  const lead = text.length - text.trimStart().length;
  const trail = text.length - text.trimEnd().length;
  return text.slice(0, lead) + open + text.slice(lead, text.length - trail) + close + text.slice(text.length - trail);
}
