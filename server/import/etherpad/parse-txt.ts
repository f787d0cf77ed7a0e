/**
 * Etherpad's `.txt` export → Markdown lines. The export renders list lines as one tab per level,
 * then `* ` (bullets) or `1. ` / `2.1. ` (numbers); they become Markdown list items. No authors.
 */
import { listPrefix, trimTrailingEmpty, type ParsedPad, type PadLine } from './pad-lines.ts';

export function parseEtherpadTxt(body: string): ParsedPad {
  const lines: PadLine[] = body
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((raw) => ({ runs: raw === '' ? [] : [{ text: markdownLine(raw), author: null }] }));
  return { lines: trimTrailingEmpty(lines), authors: new Map() };
}

function markdownLine(raw: string): string {
  let level = 0;
  while (level < raw.length && raw[level] === '\t') level++;
  if (level === 0) return raw;
  const rest = raw.slice(level);
  if (rest.startsWith('* ')) return listPrefix('bullet', level, 1) + rest.slice(2);
  const numbered = /^((?:\d+\.)+) /.exec(rest);
  if (numbered) {
    const parts = numbered[1]!.split('.').filter((p) => p !== '');
    return listPrefix('number', level, Number(parts.at(-1))) + rest.slice(numbered[0].length);
  }
  return raw;
}
