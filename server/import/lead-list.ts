/** The leads line of an import ("Name email, Name <email>; A and B") → leads with optional emails. */
import type { Lead } from '../../shared/domain.ts';

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
