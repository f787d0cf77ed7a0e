/**
 * Lines of a topic's notes that read as a decision ("Decision: …" or "Agreed: …", also as a list
 * item or in bold) and are not recorded yet: the page offers each as a one-click "Record as
 * decision". Pure, so it is cheap to run on every notes change and easy to test.
 */

/** A candidate line: optional list marker, optional bold, the keyword and a colon, then the text. */
const CANDIDATE = /^\s*(?:[-*+]\s+|\d{1,9}[.)]\s+)?(?:\*\*|__)?(?:decision|agreed)\s*:\s*(?:\*\*|__)?\s*(.*?)\s*(?:\*\*|__)?\s*$/i;

/** At most this many candidates are offered per topic (the block stays small). */
export const MAX_CANDIDATES = 5;

/** Compares decision texts the way a person would: case, spacing and a final full stop ignored. */
export function sameDecision(a: string, b: string): boolean {
  const norm = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim();
  return norm(a) === norm(b);
}

/** The decision texts in `notes` not among `recorded`, in notes order, without repeats. */
export function decisionCandidates(notes: string, recorded: readonly string[]): string[] {
  const found: string[] = [];
  for (const line of notes.split('\n')) {
    const text = CANDIDATE.exec(line)?.[1]?.trim();
    if (!text || text.length > 2000) continue;
    if (recorded.some((r) => sameDecision(r, text)) || found.some((f) => sameDecision(f, text))) continue;
    found.push(text);
    if (found.length === MAX_CANDIDATES) break;
  }
  return found;
}
