/**
 * Short titles for imported topics: a listed topic's line or a proposal's first sentence, cut to
 * about TITLE_TARGET characters at a clause or word boundary, never inside a word.
 */
import { LIST_ITEM, TRUNCATED } from './page-paragraphs.ts';

/** Titles aim at this many characters at most. */
export const TITLE_TARGET = 60;
/**
 * A title that needs no cutting may run to this length: a whole phrase of 61–75 characters
 * reads better than the same phrase cut to 60 with an ellipsis.
 */
const TITLE_TOLERANCE = 75;

/** Words a cut title must not end on ("... with the same PID the" → "... with the same PID…"). */
const DANGLING_WORDS = new Set(
  (
    'a an the and or but nor of to in on at by for with from into onto as than that which who whose ' +
    'is are was were be been being has have had do does did can could will would should may might ' +
    'must it its this these those their our your we i you they via per about over under through ' +
    'while when where if so not no such how what why'
  ).split(' '),
);
/** Hedge adverbs dropped when a title is too long ("has recently acquired" → "has acquired"). */
const HEDGES =
  /\s+(?:generally|relatively|recently|currently|really|actually|basically|essentially|just|also|very|now|simply|quite|somewhat)\b/gi;
/** Parenthetical asides dropped when a title is too long ("has (for a long time) needed"). */
const ASIDES = /\s+\([^()]+\)/g;
/** Points where a title may be cut without losing the clause before it. */
const CLAUSE_BOUNDARY = /(?:[,;:]|\s[-–—])\s/g;

/**
 * A title of at most ~TITLE_TARGET characters for `text`, never cut inside a word:
 *  1. the text itself (minus a final "." ":" ";" ",") when it fits;
 *  2. else the text condensed — parenthetical asides and hedge adverbs removed — when that fits
 *     (or, since nothing is cut, when it is at most TITLE_TOLERANCE characters);
 *  3. else the longest leading clause (cut at ", " "; " ": " " - ") of 30–60 characters;
 *  4. else cut at the last word boundary before the limit, dropping words a phrase cannot end
 *     on ("the", "with", "is", ...), and marked with "…".
 * Text that ends in "..." (truncated on the page) always gets step 3 or 4.
 */
export function makeTitle(text: string): string {
  let whole = text.replace(/\s+/g, ' ').trim();
  const truncated = TRUNCATED.test(whole);
  whole = trimEndOf(whole.replace(/(?:\.\.\.|…)$/, ''), ' .,;:');
  if (!truncated && whole.length <= TITLE_TARGET) return whole;
  const condensed = whole.replace(ASIDES, '').replace(HEDGES, '');
  if (!truncated && condensed.length <= TITLE_TOLERANCE) return condensed;

  let clause = '';
  for (const m of condensed.matchAll(CLAUSE_BOUNDARY)) {
    const head = condensed.slice(0, m.index).trim();
    if (head.length > TITLE_TARGET) break;
    if (head.length >= TITLE_TARGET / 2) clause = head;
  }
  if (clause !== '') return clause;

  const words = condensed.split(' ');
  const kept: string[] = [];
  let length = 0;
  for (const word of words) {
    const added = kept.length === 0 ? word.length : length + 1 + word.length;
    if (added > TITLE_TARGET - 1) break;
    kept.push(word);
    length = added;
  }
  if (kept.length === 0) return `${condensed.slice(0, TITLE_TARGET - 1)}…`; // one enormous "word"
  while (kept.length > 1 && DANGLING_WORDS.has((kept[kept.length - 1] ?? '').toLowerCase())) kept.pop();
  return `${trimEndOf(kept.join(' '), ' ,;:-–—')}…`;
}

/**
 * Openers that say how a proposal is framed rather than what it is about; removed from the
 * start of the first sentence before it becomes a title ("Over the last year we have worked on
 * expanding X" → "Expanding X"; "We have a number of unsolved X" → "Unsolved X").
 */
const OPENERS: readonly RegExp[] = [
  /^(?:over|during|in|for) the (?:last|past)(?: (?:few|couple of|two|three))? (?:years?|months?|weeks?|releases?|cycles?),?\s+/i,
  /^(?:in|during) this (?:talk|session|presentation|proposal),?\s+/i,
  /^(?:this|the|our) (?:talk|session|presentation|proposal) (?:will )?(?:discuss|present|cover|describe|explore|propose|introduce)(?:es|s)?\s+/i,
  /^(?:we|i)(?: have|'ve| had)?(?: been)? (?:worked|working|focused|focusing) on\s+/i,
  /^(?:we|i) (?:would like|want|plan|intend|hope|propose) to (?:discuss|present|talk about|explore|propose|share|show)\s+/i,
  /^(?:we|there) (?:have|has|are|is) (?:a number of|a few|several|many|some|a lot of|lots of)\s+/i,
];

/** Abbreviations whose "." does not end a sentence. */
const ABBREVIATIONS = new Set(['e.g.', 'i.e.', 'etc.', 'vs.', 'cf.', 'al.', 'approx.', 'incl.', 'resp.', 'mr.', 'dr.']);

/**
 * A proposal's title comes from the first sentence of its abstract, with framing openers
 * removed (OPENERS) and then shortened by `makeTitle`.
 */
export function proposalTitle(paragraphs: readonly string[]): string {
  let sentence = firstSentence(paragraphs[0] ?? '');
  let stripped = false;
  for (let changed = true; changed; ) {
    changed = false;
    for (const opener of OPENERS) {
      const rest = sentence.replace(opener, '');
      if (rest !== sentence && rest.split(' ').length >= 3) {
        sentence = rest;
        stripped = changed = true;
      }
    }
  }
  if (stripped) sentence = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return makeTitle(LIST_ITEM.test(sentence) ? sentence.replace(LIST_ITEM, '') : sentence);
}

function firstSentence(paragraph: string): string {
  // A run of marks is only tried from its start, and taken whole (`(?=(…))\1` cannot backtrack):
  // retried at every mark of a long run, the plain `[.!?…]+(?=…)` was quadratic (issue #13).
  for (const m of paragraph.matchAll(/(?<![.!?…])(?=([.!?…]+))\1(?=\s+[\p{Lu}\p{N}"'“(]|\s*$)/gu)) {
    const end = m.index + m[0].length;
    const lastWord = paragraph.slice(paragraph.lastIndexOf(' ', end - 1) + 1, end).toLowerCase();
    if (ABBREVIATIONS.has(lastWord) || /^\p{L}\.$/u.test(lastWord)) continue;
    return paragraph.slice(0, end);
  }
  return paragraph;
}

/** `text` without a run of `chars` at its end; scanned, since `/[…]+$/` retries every run of
 *  those characters to the end (quadratic on a long run that does not end the text). */
function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}
