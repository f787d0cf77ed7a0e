/**
 * What every Etherpad parser (.etherpad, .txt, .html) produces: the pad as Markdown lines, each a
 * list of runs with the Etherpad author id of the characters (null when the format carries none),
 * plus the authors' names and colours. Pure data, no Yjs.
 */

export interface PadRun {
  text: string;
  /** Etherpad author id (`a.XXXX`), or null when unknown (.txt/.html exports carry no authors). */
  author: string | null;
}

export interface PadLine {
  runs: PadRun[];
}

export interface PadAuthor {
  name: string;
  /** `#rrggbb` when the pad records one. */
  color?: string;
}

export interface ParsedPad {
  lines: PadLine[];
  /** Etherpad author id → name and colour (authors of the .etherpad pool with a globalAuthor record). */
  authors: Map<string, PadAuthor>;
  /** ms since epoch of the head revision (.etherpad only). */
  lastEdited?: number;
}

export function lineText(line: PadLine): string {
  return line.runs.map((run) => run.text).join('');
}

/** Appends `text` by `author` to `line`, merging with the previous run of the same author. */
export function pushRun(line: PadLine, text: string, author: string | null): void {
  if (text === '') return;
  const last = line.runs.at(-1);
  if (last && last.author === author) last.text += text;
  else line.runs.push({ text, author });
}

/** Drops trailing empty lines (every Etherpad pad ends with an extra newline). */
export function trimTrailingEmpty(lines: PadLine[]): PadLine[] {
  let end = lines.length;
  while (end > 0 && lineText(lines[end - 1]!).trim() === '') end--;
  return lines.slice(0, end);
}

/** Markdown prefix of a list item at `level` (1-based): two spaces per level below the first. */
export function listPrefix(kind: 'bullet' | 'number', level: number, number: number): string {
  return '  '.repeat(Math.max(0, level - 1)) + (kind === 'bullet' ? '- ' : `${number}. `);
}
