/**
 * The summary as plain text for a mailing-list post: every line at most 72 columns (display
 * width, so wide characters count double) except code and URLs that cannot be broken. Notes keep
 * their Markdown, which is what mailing lists read anyway: list items wrap with a hanging indent,
 * code blocks and tables are left exactly as typed. Word wrapping is wrap-ansi's.
 */
import wrapAnsi from 'wrap-ansi';
import { allDecisions, type ExportAction, type ExportDecision, type SummaryFollowUp, type SummaryModel } from './model.ts';
import { formatDiscussed, formatDue, formatGeneratedAt, formatSchedule } from './schedule.ts';

export const TEXT_WIDTH = 72;

/** Wraps `text` to `width - indent` and indents: `first` before line 1, spaces after. */
export function wrapIndented(text: string, width: number, first: string, rest = ' '.repeat(first.length)): string {
  const body = wrapAnsi(text.replace(/\s+/g, ' ').trim(), Math.max(20, width - first.length), { hard: false, trim: true, wordWrap: true });
  return body
    .split('\n')
    .map((line, i) => `${i === 0 ? first : rest}${line}`)
    .join('\n');
}

function underline(title: string, char: string): string {
  const wrapped = wrapIndented(title, TEXT_WIDTH, '');
  const longest = Math.max(...wrapped.split('\n').map((line) => line.length));
  return `${wrapped}\n${char.repeat(Math.min(TEXT_WIDTH, longest))}`;
}

const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])(\s+)(\[[ xX]\]\s+)?/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Wraps Markdown notes line by line (only overlong lines change); code and tables stay verbatim. */
export function wrapNotes(notes: string, width = TEXT_WIDTH): string {
  const lines = notes.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  const out: string[] = [];
  let fence: string | null = null;
  let inList = false;
  let previousBlank = true;
  for (let line of lines) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      out.push(line);
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length && line.trim() === fenceMatch[1]) fence = null;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      out.push(line);
      continue;
    }
    const blank = line.trim() === '';
    const listItem = LIST_ITEM.exec(line);
    if (listItem) inList = true;
    else if (previousBlank && !blank && !/^\s/.test(line)) inList = false;
    const indentedCode = !inList && previousBlank && /^( {4}|\t)/.test(line);
    const verbatim = blank || indentedCode || /^\s*\|/.test(line) || (out.length > 0 && /^( {4}|\t)/.test(line) && !inList && isCode(out));
    if (!verbatim) line = plainLinks(line);
    if (verbatim || line.length <= width) {
      out.push(blank ? '' : line);
    } else if (listItem) {
      const marker = listItem[0];
      out.push(wrapIndented(line.slice(marker.length), width, marker, ' '.repeat(marker.length)));
    } else {
      const indent = /^\s*(?:>\s*)*/.exec(line)![0];
      out.push(wrapIndented(line.slice(indent.length), width, indent, indent));
    }
    previousBlank = blank;
  }
  if (fence) out.push(fence);
  return out.join('\n');

  function isCode(done: string[]): boolean {
    const last = done[done.length - 1] ?? '';
    return /^( {4}|\t)/.test(last);
  }
}

/** `[text](url)` → `text <url>`, the way mail writes links (code spans left alone). */
function plainLinks(line: string): string {
  return line
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/(!?)\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_m, bang: string, text: string, url: string) => `${bang ? 'image: ' : ''}${text} <${url}>`)))
    .join('');
}

/** The summary as plain text wrapped at 72 columns, for a mailing-list post. */
export function renderText(model: SummaryModel): string {
  const out: string[] = [];
  const block = (text: string): void => {
    out.push(text.replace(/\n+$/, ''), '');
  };
  const single = model.scope === 'session' && model.sessions.length === 1;
  block(underline(single ? model.sessions[0]!.title : model.event.title, '='));
  if (single) block(wrapIndented(model.event.title, TEXT_WIDTH, ''));
  else if (model.event.description.trim()) block(wrapParagraphs(model.event.description));
  block(wrapIndented(`Summary exported from mcpad on ${formatGeneratedAt(model.generatedAt)}.`, TEXT_WIDTH, ''));
  // The summary list of decisions at the top of the mail (issue #17): what was decided, before the
  // details; a single session's facts (leads, description) come first.
  const decisions = allDecisions(model);
  const decisionSummary = (): void => {
    if (decisions.length === 0) return;
    block(underline('Decisions', '='));
    block(decisions.map(({ session, topic, decision }) => wrapIndented(`${decisionText(decision)} (${single ? topic.title : `${session.title} / ${topic.title}`})`, TEXT_WIDTH, '  * ', '    ')).join('\n'));
  };
  if (!single) decisionSummary();

  for (const session of model.sessions) {
    if (!single) block(underline(session.title, '='));
    if (session.schedule) block(wrapIndented(formatSchedule(session.schedule), TEXT_WIDTH, 'Schedule: '));
    if (session.leads.length > 0) {
      block(wrapIndented(session.leads.map((l) => (l.email ? `${l.name} <${l.email}>` : l.name)).join(', '), TEXT_WIDTH, 'Leads: ', '       '));
    }
    if (session.description.trim()) block(wrapParagraphs(session.description));
    if (single) decisionSummary();
    for (const topic of session.topics) {
      block(underline(topic.title, '-'));
      if (topic.speakers.length > 0) block(wrapIndented(topic.speakers.join(', '), TEXT_WIDTH, 'Speakers: '));
      if (topic.discussed.length > 0) block(wrapIndented(formatDiscussed(topic.discussed), TEXT_WIDTH, 'Discussed: '));
      block(topic.notes.trim() ? wrapNotes(topic.notes) : '(no notes)');
      if (topic.decisions.length > 0) {
        block(['Decisions:', ...topic.decisions.map((decision) => wrapIndented(`${decisionText(decision)} (recorded by ${decision.createdBy || 'unknown'})`, TEXT_WIDTH, '  * ', '    '))].join('\n'));
      }
      if (topic.actions.length > 0) {
        block(['Action items:', ...topic.actions.map((action) => wrapIndented(actionText(action), TEXT_WIDTH, '  * ', '    '))].join('\n'));
      }
    }
  }

  block(underline('Follow-ups by person', '='));
  if (model.followUps.length === 0 && model.unassigned.length === 0) block('No action items were recorded.');
  const many = model.sessions.length > 1;
  for (const person of model.followUps) {
    block(
      [
        wrapIndented(person.email ? `${person.name} <${person.email}>` : person.name, TEXT_WIDTH, ''),
        ...person.items.map((item) => wrapIndented(followUpText(item, many), TEXT_WIDTH, '  * ', '    ')),
      ].join('\n'),
    );
  }
  if (model.unassigned.length > 0) {
    block(['Not assigned yet', ...model.unassigned.map((item) => wrapIndented(followUpText(item, many), TEXT_WIDTH, '  * ', '    '))].join('\n'));
  }
  block(underline('Contributors', '='));
  block(
    model.contributors.length > 0
      ? `${wrapIndented(model.contributors.join(', '), TEXT_WIDTH, '')}\n\n${wrapIndented('(Everyone whose text is in the notes, and everyone who captured an action item.)', TEXT_WIDTH, '')}`
      : 'No contributors recorded yet.',
  );
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** An agreed decision is marked `[agreed]` (with who agreed it). */
function decisionText(decision: ExportDecision): string {
  return decision.agreed ? `[agreed${decision.agreedBy ? ` by ${decision.agreedBy}` : ''}] ${decision.text}` : decision.text;
}

function actionText(action: ExportAction): string {
  const parts = [`[${action.status}] ${action.text}`];
  if (action.assignee) parts.push(`assigned to ${action.assignee.name}`);
  if (action.due) parts.push(`due ${formatDue(action.due)}`);
  if (action.carriedFrom) parts.push(`from ${action.carriedFrom}`);
  if (action.carriedTo) parts.push(`carried to ${action.carriedTo}`);
  return parts.join(' - ');
}

function followUpText(item: SummaryFollowUp, withSession: boolean): string {
  const where = withSession ? `${item.sessionTitle} / ${item.topicTitle}` : item.topicTitle;
  const carried = `${item.carriedFrom ? `; from ${item.carriedFrom}` : ''}${item.carriedTo ? `; carried to ${item.carriedTo}` : ''}`;
  return `[${item.status}] ${item.text} (${where}${item.due ? `; due ${formatDue(item.due)}` : ''}${carried})`;
}

function wrapParagraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => wrapIndented(line, TEXT_WIDTH, ''))
    .join('\n\n');
}
