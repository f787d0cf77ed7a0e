/** Where one proposal abstract ends and the next begins on the plain-text page (parse-page.ts). */
import { TRUNCATED } from './page-paragraphs.ts';

/**
 * Proposal abstract boundaries.
 *
 * The page shows CfP abstracts one after another with nothing in between, and truncates each
 * long abstract, ending it with "...". On the seed page the eight truncated abstracts measure
 * 362–397 characters including the "..." (paragraphs joined by one space): the site cuts at about
 * 400 characters of source text, at a word boundary, and markup it strips only makes the shown
 * text shorter. So no truncated abstract is longer than ~400 characters, and an abstract that
 * is shown whole is shorter than that too (otherwise it would have been truncated).
 *
 * Rule (see `toParagraphs` for how lines become paragraphs):
 *  1. A paragraph ending in "..." (or "…") is the end of a truncated abstract. These marks cut
 *     the proposal section into runs; the last run may end without one.
 *  2. An abstract can only start at a paragraph that starts like a sentence (capital letter,
 *     digit, quote or parenthesis; "- " list items and lower-case fragments always continue)
 *     after a paragraph that ends a sentence with ".", "!" or "?" (not ":", which introduces a
 *     list). The first paragraph of a run always starts an abstract.
 *  3. In a run ending with "...", the truncated abstract is the longest tail of the run that
 *     starts where an abstract can start and is at most TRUNCATED_ABSTRACT_MAX long: the page cut
 *     it at ~400 characters, so it is long, and the paragraphs before it that still fit under
 *     the limit are its own first paragraphs.
 *  4. Whatever precedes that tail (and a final run without "...") is complete, untruncated
 *     abstracts, each shorter than the limit (or the page would have truncated it). They are
 *     packed into as few abstracts as fit: a paragraph starts a new abstract when it can (rule
 *     2) and adding it to the current one would exceed the limit.
 * On the seed page this separates the complete shiftfs abstract (192 chars) from the truncated
 * path-resolution abstract after it (397): together they are 590, over the limit; every other
 * run is a single (multi-paragraph) truncated abstract of 362–397 characters.
 *
 * Limitations: two short complete abstracts in a row that fit under the limit together cannot be
 * told apart from one two-paragraph abstract, and are kept together; and a complete abstract's
 * last paragraph is taken for the first paragraph of a following truncated abstract when both
 * fit under the limit (with truncated abstracts of 359+ characters, only paragraphs of at most
 * ~50 characters can be).
 */
const TRUNCATED_ABSTRACT_MAX = 410;
/** A paragraph ending here ends a sentence, so an abstract may end here. */
const SENTENCE_END = /[.!?]["'”’)\]]*$/;
const SENTENCE_START = /^[\p{Lu}\p{N}"'“(]/u;

/** Splits the proposal paragraphs into abstracts; the rule is at TRUNCATED_ABSTRACT_MAX. */
export function groupAbstracts(paragraphs: readonly string[]): string[][] {
  const groups: string[][] = [];
  let runStart = 0;
  paragraphs.forEach((paragraph, k) => {
    if (!TRUNCATED.test(paragraph)) return;
    const run = paragraphs.slice(runStart, k + 1);
    const tailStart = truncatedTailStart(run);
    groups.push(...packComplete(run.slice(0, tailStart)), run.slice(tailStart));
    runStart = k + 1;
  });
  groups.push(...packComplete(paragraphs.slice(runStart)));
  return groups;
}

/** True when paragraph `k` of `run` may start an abstract (rule 2). */
function canStartAbstract(run: readonly string[], k: number): boolean {
  if (k === 0) return true;
  return SENTENCE_END.test(run[k - 1] ?? '') && SENTENCE_START.test(run[k] ?? '');
}

/** Where the truncated abstract that ends `run` starts (rule 3). */
function truncatedTailStart(run: readonly string[]): number {
  let longestFitting: number | undefined;
  let shortest: number | undefined;
  for (let j = run.length - 1; j >= 0; j--) {
    if (!canStartAbstract(run, j)) continue;
    shortest ??= j;
    if (joinedLength(run.slice(j)) > TRUNCATED_ABSTRACT_MAX) break;
    longestFitting = j;
  }
  return longestFitting ?? shortest ?? 0;
}

/** Groups complete abstracts' paragraphs into as few abstracts as fit under the limit (rule 4). */
function packComplete(run: readonly string[]): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  run.forEach((paragraph, k) => {
    const tooLong = joinedLength(current) + 1 + paragraph.length > TRUNCATED_ABSTRACT_MAX;
    if (current.length > 0 && tooLong && canStartAbstract(run, k)) {
      groups.push(current);
      current = [];
    }
    current.push(paragraph);
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

function joinedLength(paragraphs: readonly string[]): number {
  return paragraphs.reduce((sum, p) => sum + p.length, 0) + Math.max(0, paragraphs.length - 1);
}
