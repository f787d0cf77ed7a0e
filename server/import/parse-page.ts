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
import { withOrigin } from './draft-origins.ts';
import type { Lead, SessionDraft, TopicDraft } from '../../shared/domain.ts';
import { ImportError } from './import-error.ts';
import { parseLeadList } from './lead-list.ts';
import { groupAbstracts } from './page-abstracts.ts';
import { LIST_ITEM, toParagraphs } from './page-paragraphs.ts';
import { makeTitle, proposalTitle } from './topic-titles.ts';

/** The sentence that introduces the listed topics: it mentions topics and ends with a colon. */
const TOPICS_INTRO = /\btopics\b[^.!?]*:$/i;
const BOILERPLATE = /^(?:more (?:topics )?(?:to|will) be added|if you are interested|etherpad\s*:)/i;
const LEADS_HEADER = /^mc leads?(?:\s*:\s*(.*))?$/i;

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
    topics.push(withOrigin(title === line ? { title } : { title, abstract: line }, `line ${k + 1}`));
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

/** "The <X> MC at ..." / "The <X> microconference ..." → "<X> MC". */
function inferSessionTitle(description: string): string | undefined {
  const match = /^The\s+([^.!?\n]{1,100}?)\s+(?:MC|[Mm]icro-?conference)\b/.exec(description);
  return match ? `${match[1]} MC` : undefined;
}
