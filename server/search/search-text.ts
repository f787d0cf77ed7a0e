/**
 * The text side of search (issue #17), pure: how text is split into words (the index and the
 * phrase check use the same rule), how a query is parsed (words, and "quoted phrases" whose words
 * must be adjacent), and how a snippet is cut and highlighted. A snippet is HTML-escaped text with
 * `<mark>` around the matched words: nothing a note contains is ever passed through as markup.
 */

const WORD = /[\p{L}\p{N}_]+/gu;

export interface Word {
  /** Lower-cased. */
  word: string;
  start: number;
  end: number;
}

/** The words of `text` with their offsets. */
export function words(text: string): Word[] {
  const found: Word[] = [];
  for (const match of text.matchAll(WORD)) found.push({ word: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
  return found;
}

/** A text as its words, lower-cased, each followed by one space and the whole preceded by one:
 *  a phrase's words are adjacent in the text exactly when ` w1 w2 ` occurs in this. */
export const flatten = (text: string): string => ` ${text.toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, ' ').trim()} `;

/** Tokenizer handed to MiniSearch (index and queries). */
export function tokenize(text: string): string[] {
  return words(text).map((w) => w.word);
}

export interface ParsedQuery {
  /** Every word of the query, phrases included, for MiniSearch. */
  terms: string[];
  /** Each quoted phrase of two or more words, lower-cased. */
  phrases: string[][];
}

/** `shiftfs "time namespace" criu` → terms [shiftfs, time, namespace, criu], phrases [[time, namespace]]. */
export function parseQuery(q: string): ParsedQuery {
  const phrases: string[][] = [];
  for (const match of q.matchAll(/"([^"]*)"/g)) {
    const phrase = tokenize(match[1]!);
    if (phrase.length > 1) phrases.push(phrase);
  }
  return { terms: tokenize(q), phrases };
}

const escapeRegExp = (word: string): string => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phrase as a regular expression: its words in order, separated by anything but word characters. */
export function phraseRegExp(phrase: readonly string[]): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])${phrase.map(escapeRegExp).join('[^\\p{L}\\p{N}_]+')}(?![\\p{L}\\p{N}_])`, 'iu');
}

/** Where each phrase first occurs in `text` (word-adjacent, case-insensitive), or null when one does not. */
export function findPhrases(text: string, phrases: ReadonlyArray<readonly string[] | RegExp>): Array<{ start: number; end: number }> | null {
  const spans: Array<{ start: number; end: number }> = [];
  for (const phrase of phrases) {
    const match = (phrase instanceof RegExp ? phrase : phraseRegExp(phrase)).exec(text);
    if (!match) return null;
    spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A window of about `width` characters of `text` around the first phrase or word of `exact` (the
 * query's own words; else the first match), escaped, with every word in `matched` (lower-cased
 * index terms: prefix and typo matches too) and every phrase span wrapped in `<mark>`.
 */
export function snippet(text: string, matched: ReadonlySet<string>, phraseSpans: ReadonlyArray<{ start: number; end: number }> = [], width = 160, exact: ReadonlySet<string> = new Set()): string {
  const marks: Array<{ start: number; end: number }> = [...phraseSpans];
  // The window is centred on the first phrase, else the first word typed as it is, else the first match.
  let centre = phraseSpans[0]?.start;
  for (const w of words(text)) {
    if (!matched.has(w.word)) continue;
    marks.push({ start: w.start, end: w.end });
    if (centre === undefined && exact.has(w.word)) centre = w.start;
  }
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Array<{ start: number; end: number }> = [];
  for (const m of marks) {
    const last = merged.at(-1);
    if (last && m.start <= last.end) last.end = Math.max(last.end, m.end);
    else merged.push({ ...m });
  }
  const first = centre ?? merged[0]?.start ?? 0;
  let from = Math.max(0, first - Math.floor(width / 3));
  let to = Math.min(text.length, from + width);
  from = Math.max(0, Math.min(from, to - width));
  // Do not cut a word in two at either end.
  while (from > 0 && /[\p{L}\p{N}_]/u.test(text[from - 1]!)) from--;
  while (to < text.length && /[\p{L}\p{N}_]/u.test(text[to]!)) to++;
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const m of merged) {
    if (m.end <= from || m.start >= to) continue;
    const start = Math.max(m.start, from);
    const end = Math.min(m.end, to);
    out += escapeHtml(text.slice(at, start)) + '<mark>' + escapeHtml(text.slice(start, end)) + '</mark>';
    at = end;
  }
  out += escapeHtml(text.slice(at, to)) + (to < text.length ? '…' : '');
  return out.replace(/\s+/g, ' ').trim();
}
