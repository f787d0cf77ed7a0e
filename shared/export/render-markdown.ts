/**
 * The summary as CommonMark: no GFM-only syntax (no task lists, tables or strikethrough), so it
 * renders the same on GitHub, GitLab, Discourse and markdown-it. Topic notes are Markdown already
 * and are embedded with their structure kept (headings demoted below the topic heading).
 */
import { embedNotes, escapeInline } from './markdown-notes.ts';
import type { ExportAction, ExportDecision, ExportSession, SummaryFollowUp, SummaryModel } from './model.ts';
import { formatDiscussed, formatDue, formatGeneratedAt, formatSchedule } from './schedule.ts';

/** The summary as one CommonMark document (ends with a newline). */
export function renderMarkdown(model: SummaryModel): string {
  const out: string[] = [];
  const block = (text: string): void => {
    out.push(text.replace(/\n+$/, ''), '');
  };
  const title = model.scope === 'session' && model.sessions.length === 1 ? model.sessions[0]!.title : model.event.title;
  block(`# ${escapeInline(title)}`);
  if (model.scope === 'session') block(`*${escapeInline(model.event.title)}*`);
  else if (model.event.description.trim()) block(paragraphs(model.event.description));
  block(`Summary exported from mcpad on ${formatGeneratedAt(model.generatedAt)}.`);

  const sessionLevel = model.scope === 'session' ? 1 : 2;
  for (const session of model.sessions) renderSession(session, sessionLevel, block);

  block('## Follow-ups by person');
  if (model.followUps.length === 0 && model.unassigned.length === 0) block('No action items were recorded.');
  for (const person of model.followUps) {
    block(`### ${escapeInline(person.name)}${person.email ? ` (${escapeInline(person.email)})` : ''}`);
    block(person.items.map((item) => `- ${followUpLine(item, model.sessions.length > 1)}`).join('\n'));
  }
  if (model.unassigned.length > 0) {
    block('### Not assigned yet');
    block(model.unassigned.map((item) => `- ${followUpLine(item, model.sessions.length > 1)}`).join('\n'));
  }

  block('## Contributors');
  block(
    model.contributors.length > 0
      ? `${model.contributors.map(escapeInline).join(', ')}\n\n*Everyone whose text is in the notes, and everyone who captured an action item.*`
      : '*No contributors recorded yet.*',
  );
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function renderSession(session: ExportSession, level: number, block: (text: string) => void): void {
  const h = (extra: number): string => '#'.repeat(Math.min(6, level + extra));
  if (level > 1) block(`${h(0)} ${escapeInline(session.title)}`);
  const facts: string[] = [];
  if (session.schedule) facts.push(`**Schedule:** ${escapeInline(formatSchedule(session.schedule))}`);
  if (session.leads.length > 0) {
    facts.push(`**Leads:** ${session.leads.map((l) => escapeInline(l.email ? `${l.name} (${l.email})` : l.name)).join(', ')}`);
  }
  if (facts.length > 0) block(facts.join('  \n'));
  if (session.description.trim()) block(paragraphs(session.description));
  for (const topic of session.topics) {
    block(`${h(1)} ${escapeInline(topic.title)}`);
    if (topic.speakers.length > 0) block(`*Speakers: ${topic.speakers.map(escapeInline).join(', ')}*`);
    if (topic.discussed.length > 0) block(`*Discussed: ${escapeInline(formatDiscussed(topic.discussed))}*`);
    const notes = embedNotes(topic.notes, level + 1);
    block(notes || '*No notes.*');
    if (topic.decisions.length > 0) {
      block('**Decisions**');
      block(topic.decisions.map((decision) => `- ${decisionLine(decision)}`).join('\n'));
    }
    if (topic.actions.length > 0) {
      block('**Action items**');
      block(topic.actions.map((action) => `- ${actionLine(action)}`).join('\n'));
    }
  }
}

/** An agreed decision starts with **agreed**; who recorded (and agreed) it follows. */
function decisionLine(decision: ExportDecision): string {
  const who = [`recorded by ${escapeInline(decision.createdBy || 'unknown')}`];
  if (decision.agreed && decision.agreedBy) who.push(`agreed by ${escapeInline(decision.agreedBy)}`);
  return `${decision.agreed ? '**agreed**: ' : ''}${escapeInline(decision.text)} · *${who.join(', ')}*`;
}

function actionLine(action: ExportAction): string {
  const parts = [`**${escapeInline(action.status)}**: ${escapeInline(action.text)}`];
  if (action.assignee) parts.push(`assigned to ${escapeInline(action.assignee.name)}`);
  if (action.due) parts.push(`due ${escapeInline(formatDue(action.due))}`);
  if (action.carriedFrom) parts.push(`from ${escapeInline(action.carriedFrom)}`);
  if (action.carriedTo) parts.push(`carried to ${escapeInline(action.carriedTo)}`);
  return parts.join(' · ');
}

function followUpLine(item: SummaryFollowUp, withSession: boolean): string {
  const where = withSession ? `${item.sessionTitle} › ${item.topicTitle}` : item.topicTitle;
  const parts = [`**${escapeInline(item.status)}**: ${escapeInline(item.text)}`, `*${escapeInline(where)}*`];
  if (item.due) parts.push(`due ${escapeInline(formatDue(item.due))}`);
  if (item.carriedFrom) parts.push(`from ${escapeInline(item.carriedFrom)}`);
  if (item.carriedTo) parts.push(`carried to ${escapeInline(item.carriedTo)}`);
  return parts.join(' · ');
}

/** Plain text (a description) as escaped Markdown paragraphs: blank lines separate paragraphs. */
function paragraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((para) => para.split('\n').map(escapeInline).filter(Boolean).join('\n'))
    .filter(Boolean)
    .join('\n\n');
}
