/**
 * How the plain-text page format (parse-page.ts) breaks into paragraphs: the page hard-wraps lines
 * mid-sentence and puts inline code spans on their own line, so lines are glued back first.
 */

/** A "- " (or "* ", "• ") list item. */
export const LIST_ITEM = /^[-*•]\s+/;
/** Text the page cut short ends with "..." or "…". */
export const TRUNCATED = /(?:\.\.\.|…)$/;
/** A line or paragraph ending here ends a paragraph (closing quotes/brackets allowed after). */
const PARAGRAPH_END = /[.!?:…]["'”’)\]]*$/;

/**
 * Joins page lines into paragraphs. The page breaks lines both at paragraph ends and in the
 * middle of sentences (hard-wrapped text, and inline code spans rendered on their own line, as
 * in "open()" / "ing /proc/sys/kernel/ns_last_pid" / ", write()"). Rule: a line that does not
 * end with sentence punctuation (. ! ? : or an ellipsis) continues the same paragraph; a blank
 * line or a "- " list item starts a new one. See `joinFragment` for how fragments are glued.
 */
export function toParagraphs(lines: readonly string[]): string[] {
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
