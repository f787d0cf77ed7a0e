/**
 * Parser for the plain-text microconference page format: the text of a Linux Plumbers
 * microconference ("MC") page as copied from the conference web site. Example:
 * `data/seed/containers-cr.txt`. Layout, top to bottom:
 *
 *   Description                                   ← optional header line
 *   <description paragraphs>
 *   ... Topics we would like to cover include:    ← ends the description (sentence dropped)
 *   <one listed topic per line>
 *   More to be added based on CfP ...             ← ends the list (or "If you are interested...")
 *   If you are interested in participating ...    ← boilerplate, skipped
 *   Etherpad: https://...                         ← skipped (see below)
 *   MC leads
 *   Name email, Name email, and Name email
 *   <CfP proposal abstracts, one after another, no separator>
 *
 * The Etherpad URL is dropped: the session's notes live in mcpad itself, and a link to the old
 * pad would only be a stale second place to write notes.
 *
 * Pure: no I/O, no clock; the same text always gives the same draft.
 */
import type { Lead, SessionDraft, TopicDraft } from '../../shared/domain.ts';
import { ImportError } from './import-error.ts';

/** Titles aim at this many characters at most. */
export const TITLE_TARGET = 60;
/**
 * A title that needs no cutting may run to this length: a whole phrase of 61–75 characters
 * reads better than the same phrase cut to 60 with an ellipsis.
 */
const TITLE_TOLERANCE = 75;

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

/** The sentence that introduces the listed topics: it mentions topics and ends with a colon. */
const TOPICS_INTRO = /\btopics\b[^.!?]*:$/i;
const BOILERPLATE = /^(?:more (?:topics )?(?:to|will) be added|if you are interested|etherpad\s*:)/i;
const LEADS_HEADER = /^mc leads?(?:\s*:\s*(.*))?$/i;
const LIST_ITEM = /^[-*•]\s+/;
/** A line or paragraph ending here ends a paragraph (closing quotes/brackets allowed after). */
const PARAGRAPH_END = /[.!?:…]["'”’)\]]*$/;
/** A paragraph ending here ends a sentence, so an abstract may end here. */
const SENTENCE_END = /[.!?]["'”’)\]]*$/;
const TRUNCATED = /(?:\.\.\.|…)$/;
const SENTENCE_START = /^[\p{Lu}\p{N}"'“(]/u;

export function parsePageText(text: string): SessionDraft {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim());
  if (lines.every((line) => line === '')) throw new ImportError('the page is empty');

  let i = lines.findIndex((line) => line !== '');
  if (/^description:?$/i.test(lines[i] ?? '')) i++;

  // Description: everything up to the line that introduces the topic list.
  const introIndex = lines.findIndex((line, k) => k >= i && TOPICS_INTRO.test(line));
  if (introIndex < 0) {
    throw new ImportError(
      'no topic list found: expected a line ending in "Topics we would like to cover include:" followed by one topic per line',
    );
  }
  const descriptionLines = lines.slice(i, introIndex);
  const beforeIntro = textBeforeIntroSentence(lines[introIndex] ?? '');
  if (beforeIntro !== '') descriptionLines.push(beforeIntro);
  const description = toParagraphs(descriptionLines).join('\n\n');

  // Listed topics: one per line until the "More to be added" / boilerplate / leads lines.
  const topics: TopicDraft[] = [];
  let k = introIndex + 1;
  for (; k < lines.length; k++) {
    const line = (lines[k] ?? '').replace(LIST_ITEM, '');
    if (line === '') continue;
    if (BOILERPLATE.test(line) || LEADS_HEADER.test(line)) break;
    const title = makeTitle(line);
    topics.push(title === line ? { title } : { title, abstract: line });
  }
  if (topics.length === 0) {
    throw new ImportError(`line ${introIndex + 1}: the topic list after "${lines[introIndex]}" is empty`);
  }

  // Boilerplate and the leads, then the proposals run to the end of the page.
  let leads: Lead[] = [];
  for (; k < lines.length; k++) {
    const line = lines[k] ?? '';
    if (line === '' || BOILERPLATE.test(line)) continue;
    const header = LEADS_HEADER.exec(line);
    if (!header) break;
    let leadText = header[1] ?? '';
    if (leadText === '') {
      do k++;
      while (k < lines.length && lines[k] === '');
      leadText = lines[k] ?? '';
    }
    leads = parseLeadList(leadText);
  }

  for (const group of groupAbstracts(toParagraphs(lines.slice(k)))) {
    topics.push({ title: proposalTitle(group), abstract: group.join('\n\n') });
  }

  const title = inferSessionTitle(description);
  return {
    ...(title !== undefined ? { title } : {}),
    ...(description !== '' ? { description } : {}),
    ...(leads.length > 0 ? { leads } : {}),
    topics,
  };
}

/** The intro line minus its "Topics we would like to cover include:" sentence. */
function textBeforeIntroSentence(line: string): string {
  const match = TOPICS_INTRO.exec(line);
  if (!match) return line;
  const head = line.slice(0, match.index);
  // The intro sentence starts after the last sentence end before "topics" (if any).
  let end = 0;
  for (const m of head.matchAll(/[.!?]["'”’)\]]*\s/g)) end = m.index + m[0].length;
  return head.slice(0, end).trim();
}

/**
 * Joins page lines into paragraphs. The page breaks lines both at paragraph ends and in the
 * middle of sentences (hard-wrapped text, and inline code spans rendered on their own line, as
 * in "open()" / "ing /proc/sys/kernel/ns_last_pid" / ", write()"). Rule: a line that does not
 * end with sentence punctuation (. ! ? : or an ellipsis) continues the same paragraph; a blank
 * line or a "- " list item starts a new one. See `joinFragment` for how fragments are glued.
 */
function toParagraphs(lines: readonly string[]): string[] {
  const paragraphs: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current !== '') paragraphs.push(current);
    current = '';
  };
  for (const line of lines) {
    if (line === '') {
      flush();
      continue;
    }
    if (current === '') current = line;
    else if (LIST_ITEM.test(line)) {
      flush();
      current = line;
    } else current = joinFragment(current, line);
    if (PARAGRAPH_END.test(current)) flush();
  }
  flush();
  return paragraphs;
}

/**
 * Glues a continuation line to the text before it: with no space when the line starts with
 * punctuation (", write()"), when it is a word ending after a code span ("open()" + "ing ..." →
 * "open()ing ...") or when the text ends in a hyphenated word broken at its hyphen; with one
 * space otherwise.
 */
function joinFragment(previous: string, next: string): string {
  if (/^[,.;:!?)\]]/.test(next)) return previous + next;
  if (/\w\([^()\s]*\)$/.test(previous) && /^(?:ing|ed|d|es|s)\b/.test(next)) return previous + next;
  if (/\w-$/.test(previous)) return previous + next;
  return `${previous} ${next}`;
}

/** Splits the proposal paragraphs into abstracts; the rule is at TRUNCATED_ABSTRACT_MAX. */
function groupAbstracts(paragraphs: readonly string[]): string[][] {
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

/**
 * "Name email, Name email, and Name email" (also "Name <email>", ";" separators, "A and B",
 * names without an email) → leads.
 */
export function parseLeadList(text: string): Lead[] {
  const leads: Lead[] = [];
  // Whitespace collapsed first: `\s*[,;]` over a long run of spaces is quadratic (issue #13).
  for (const part of text.replace(/\s+/g, ' ').split(/ ?[,;] ?(?:and )?| and /i)) {
    const { email, rest } = takeEmail(part);
    const name = rest.replace(/\s+/g, ' ').replace(/^[\s\-–—:(]+|[\s\-–—:)]+$/g, '');
    if (name === '' && email === undefined) continue;
    leads.push(email !== undefined ? { name: name !== '' ? name : email, email } : { name });
  }
  return leads;
}

/** Longest email address considered (RFC 5321); also bounds the regex below per word. */
const MAX_EMAIL_LENGTH = 254;
/** One whole word that is an address. Anchored and run on one bounded word at a time: the
 *  unanchored search it replaced rescanned every long word for an "@" (minutes on 200 KB). */
const EMAIL_WORD = /^[^\s<>@,;]+@[^\s<>@,;]+\.[^\s<>@,;]+$/;

/** The first email in `part` ("a@b.org", "<a@b.org>", "Name<a@b.org>", "< a@b.org >") and the
 *  text around it. `part` has single spaces (see parseLeadList). */
function takeEmail(part: string): { email?: string; rest: string } {
  const words = part.split(' ');
  for (const [i, word] of words.entries()) {
    const open = word.lastIndexOf('<');
    const candidate = word.slice(open + 1).replace(/>$/, '');
    if (candidate.length > MAX_EMAIL_LENGTH || !EMAIL_WORD.test(candidate)) continue;
    const kept = [...words];
    kept[i] = word.slice(0, Math.max(open, 0));
    if (open < 0 && kept[i - 1] === '<') kept[i - 1] = '';
    if (!word.endsWith('>') && kept[i + 1] === '>') kept[i + 1] = '';
    return { email: candidate, rest: kept.join(' ') };
  }
  return { rest: part };
}

/** "The <X> MC at ..." / "The <X> microconference ..." → "<X> MC". */
function inferSessionTitle(description: string): string | undefined {
  const match = /^The\s+([^.!?\n]{1,100}?)\s+(?:MC|[Mm]icro-?conference)\b/.exec(description);
  return match ? `${match[1]} MC` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Titles
// ---------------------------------------------------------------------------------------------

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
function proposalTitle(paragraphs: readonly string[]): string {
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
