/**
 * The summary as one standalone HTML file: inline CSS, a print stylesheet (each session starts a
 * new page) and no external requests. Notes are untrusted: markdown-it renders them with the notes
 * rules of shared/markdown-html.ts (raw HTML disabled, link allow-list, images as links; the same
 * rules as the browser's read views), and the whole generated body then goes through sanitize-html with a small allow-list
 * (no script, no iframe, no event handlers, no `style` except table alignment, only http(s) and
 * mailto links; images become links, so nothing remote is loaded). A Content-Security-Policy meta
 * tag forbids scripts and remote loads as a second line of defence.
 *
 * Lives in server/ rather than shared/export/ because sanitize-html (through postcss) is not
 * isomorphic.
 */
import sanitizeHtml from 'sanitize-html';
import { ALLOWED_ATTRIBUTES, ALLOWED_CELL_ALIGN, ALLOWED_TAGS, LINK_REL, LINK_SCHEMES, notesMarkdown } from '../../shared/markdown-html.ts';
import type { ExportAction, ExportDecision, ExportSession, SummaryFollowUp, SummaryModel } from '../../shared/export/model.ts';
import { formatDiscussed, formatDue, formatGeneratedAt, formatSchedule } from '../../shared/export/schedule.ts';

/** Notes headings start below the topic heading (h3): `#` becomes h4. */
const markdown = notesMarkdown({ headingShift: 3 });

export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

// The allow-list is shared with the browser's read views (shared/markdown-html.ts).
const cellStyle = { 'text-align': [ALLOWED_CELL_ALIGN] };
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([tag, names]) => [tag, [...names]])),
  allowedStyles: { th: cellStyle, td: cellStyle },
  allowedSchemes: [...LINK_SCHEMES],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
    // markdown-it already renders images as links (shared/markdown-html.ts); this covers any other.
    img: (_tagName, attribs) => ({
      tagName: 'a',
      attribs: (attribs.src ? { href: attribs.src, rel: LINK_REL } : {}) as sanitizeHtml.Attributes,
      text: `[image${attribs.alt ? `: ${attribs.alt}` : ''}]`,
    }),
  },
};

/** Sanitises an HTML fragment with the export's allow-list. */
export function sanitizeFragment(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const slugClass = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'other';

/** The summary as one standalone, sanitised HTML document. */
export function renderHtml(model: SummaryModel): string {
  const single = model.scope === 'session' && model.sessions.length === 1;
  const title = single ? model.sessions[0]!.title : model.event.title;
  const body: string[] = [];
  body.push('<header class="doc-header">');
  body.push(`<h1>${escapeHtml(title)}</h1>`);
  if (single) body.push(`<p class="subtitle">${escapeHtml(model.event.title)}</p>`);
  else if (model.event.description.trim()) body.push(paragraphs(model.event.description, 'subtitle'));
  body.push(`<p class="generated">Summary exported from mcpad on <time datetime="${escapeHtml(model.generatedAt)}">${escapeHtml(formatGeneratedAt(model.generatedAt))}</time>.</p>`);
  body.push('</header>');
  for (const session of model.sessions) body.push(renderSession(session, single));
  body.push(renderFollowUps(model));
  body.push('<section class="contributors"><h2>Contributors</h2>');
  body.push(
    model.contributors.length > 0
      ? `<p>${model.contributors.map(escapeHtml).join(', ')}</p><p class="note">Everyone whose text is in the notes, and everyone who captured an action item.</p>`
      : '<p class="note">No contributors recorded yet.</p>',
  );
  body.push('</section>');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mcpad">
<title>${escapeHtml(title)} — summary</title>
<style>
${STYLESHEET}
</style>
</head>
<body>
<main>
${sanitizeFragment(body.join('\n'))}
</main>
</body>
</html>
`;
}

function renderSession(session: ExportSession, single: boolean): string {
  const out: string[] = [`<article class="session" id="session-${escapeHtml(session.id)}">`, '<header class="session-header">'];
  if (!single) out.push(`<h2>${escapeHtml(session.title)}</h2>`);
  const facts: string[] = [];
  if (session.schedule) facts.push(`<dt>Schedule</dt><dd>${escapeHtml(formatSchedule(session.schedule))}</dd>`);
  if (session.leads.length > 0) {
    const leads = session.leads.map((lead) =>
      lead.email ? `${escapeHtml(lead.name)} &lt;<a href="mailto:${escapeHtml(lead.email)}">${escapeHtml(lead.email)}</a>&gt;` : escapeHtml(lead.name),
    );
    facts.push(`<dt>Leads</dt><dd>${leads.join(', ')}</dd>`);
  }
  if (facts.length > 0) out.push(`<dl class="facts">${facts.join('')}</dl>`);
  if (session.description.trim()) out.push(paragraphs(session.description, 'description'));
  out.push('</header>');
  for (const topic of session.topics) {
    const empty = !topic.notes.trim() && topic.actions.length === 0 && topic.decisions.length === 0;
    out.push(`<section class="topic${empty ? ' empty' : ''}" id="topic-${escapeHtml(session.id)}-${escapeHtml(topic.id)}">`);
    out.push(`<h3>${escapeHtml(topic.title)}${empty ? ' <small class="note">no notes</small>' : ''}</h3>`);
    if (topic.speakers.length > 0) out.push(`<p class="speakers">Speakers: ${topic.speakers.map(escapeHtml).join(', ')}</p>`);
    if (topic.discussed.length > 0) out.push(`<p class="speakers">Discussed: ${escapeHtml(formatDiscussed(topic.discussed))}</p>`);
    if (topic.notes.trim()) out.push(`<div class="notes">${markdown.render(topic.notes)}</div>`);
    else if (!empty) out.push('<p class="note">No notes.</p>');
    if (topic.decisions.length > 0) {
      out.push('<div class="decisions"><p class="actions-title">Decisions</p><ul class="action-list">');
      for (const decision of topic.decisions) out.push(`<li>${decisionHtml(decision)}</li>`);
      out.push('</ul></div>');
    }
    if (topic.actions.length > 0) {
      out.push('<div class="actions"><p class="actions-title">Action items</p><ul class="action-list">');
      for (const action of topic.actions) out.push(`<li>${actionHtml(action)}</li>`);
      out.push('</ul></div>');
    }
    out.push('</section>');
  }
  out.push('</article>');
  return out.join('\n');
}

function statusHtml(status: string): string {
  return `<span class="status status-${slugClass(status)}">${escapeHtml(status)}</span>`;
}

function actionHtml(action: ExportAction): string {
  const meta: string[] = [];
  if (action.assignee) meta.push(`assigned to ${escapeHtml(action.assignee.name)}`);
  if (action.due) meta.push(`<span class="due">due ${escapeHtml(formatDue(action.due))}</span>`);
  if (action.carriedFrom) meta.push(`from ${escapeHtml(action.carriedFrom)}`);
  if (action.carriedTo) meta.push(`carried to ${escapeHtml(action.carriedTo)}`);
  return `${statusHtml(action.status)} <span class="action-text">${escapeHtml(action.text)}${meta.length ? ` <span class="meta">${meta.join(' · ')}</span>` : ''}</span>`;
}

/** A decision: an "agreed" badge when agreed, then the text and who recorded (and agreed) it. */
function decisionHtml(decision: ExportDecision): string {
  const meta = [`recorded by ${escapeHtml(decision.createdBy || 'unknown')}`];
  if (decision.agreed && decision.agreedBy) meta.push(`agreed by ${escapeHtml(decision.agreedBy)}`);
  const badge = decision.agreed ? `${statusHtml('agreed')} ` : '';
  return `${badge}<span class="action-text">${escapeHtml(decision.text)} <span class="meta">${meta.join(' · ')}</span></span>`;
}

function followUpHtml(item: SummaryFollowUp, withSession: boolean): string {
  const where = withSession ? `${item.sessionTitle} › ${item.topicTitle}` : item.topicTitle;
  const meta = [
    escapeHtml(where),
    ...(item.due ? [`<span class="due">due ${escapeHtml(formatDue(item.due))}</span>`] : []),
    ...(item.carriedFrom ? [`from ${escapeHtml(item.carriedFrom)}`] : []),
    ...(item.carriedTo ? [`carried to ${escapeHtml(item.carriedTo)}`] : []),
  ];
  return `<li>${statusHtml(item.status)} <span class="action-text">${escapeHtml(item.text)} <span class="meta">${meta.join(' · ')}</span></span></li>`;
}

function renderFollowUps(model: SummaryModel): string {
  const many = model.sessions.length > 1;
  const out = ['<section class="followups"><h2>Follow-ups by person</h2>'];
  if (model.followUps.length === 0 && model.unassigned.length === 0) out.push('<p class="note">No action items were recorded.</p>');
  for (const person of model.followUps) {
    const email = person.email ? ` <small>&lt;<a href="mailto:${escapeHtml(person.email)}">${escapeHtml(person.email)}</a>&gt;</small>` : '';
    out.push(`<h3>${escapeHtml(person.name)}${email}</h3><ul class="action-list">${person.items.map((i) => followUpHtml(i, many)).join('')}</ul>`);
  }
  if (model.unassigned.length > 0) {
    out.push(`<h3>Not assigned yet</h3><ul class="action-list">${model.unassigned.map((i) => followUpHtml(i, many)).join('')}</ul>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function paragraphs(text: string, className: string): string {
  const paras = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return `<div class="${className}">${paras.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</div>`;
}

const STYLESHEET = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6576; --rule: #d9dee7; --accent: #1f5fa8; --soft: #f4f6fa; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff; font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 48rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.6em 0 0.5em; }
h1 { font-size: 2rem; margin-top: 0; }
h2 { font-size: 1.5rem; border-bottom: 2px solid var(--rule); padding-bottom: 0.25em; }
h3 { font-size: 1.2rem; }
h4, h5, h6 { font-size: 1rem; }
p, ul, ol, pre, blockquote, table, dl { margin: 0 0 0.9em; }
a { color: var(--accent); overflow-wrap: anywhere; }
code { font: 0.9em/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--soft); padding: 0.1em 0.3em; border-radius: 3px; }
pre { background: var(--soft); padding: 0.75em 1em; border-radius: 4px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
blockquote { border-left: 3px solid var(--rule); margin-left: 0; padding-left: 1em; color: var(--muted); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--rule); padding: 0.25em 0.6em; }
.doc-header { border-bottom: 3px solid var(--ink); margin-bottom: 1.5rem; }
.subtitle { font-size: 1.1rem; color: var(--muted); }
.generated, .note, .speakers, .meta { color: var(--muted); }
.generated { font-size: 0.85rem; }
.note { font-style: italic; }
.speakers { margin-top: -0.4em; font-style: italic; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.description { color: var(--muted); }
.topic { padding-top: 0.25rem; }
.topic + .topic { border-top: 1px solid var(--rule); }
.notes { overflow-wrap: break-word; }
.actions-title { font-weight: 600; margin-bottom: 0.3em; }
.action-list { list-style: none; padding-left: 0; }
.action-list li { margin: 0.3em 0; display: flex; gap: 0.6em; align-items: baseline; }
.action-text { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.due { white-space: nowrap; }
.topic.empty { padding: 0; }
.topic.empty h3 { font-size: 1rem; font-weight: 600; margin: 0.7em 0; }
.topic.empty h3 small { white-space: nowrap; font-weight: normal; font-size: 0.85em; margin-left: 0.4em; }
.status { flex: 0 0 9.5em; overflow-wrap: anywhere; padding: 0 0.4em; border-radius: 3px; font-size: 0.75em; line-height: 1.9; font-weight: 600; text-align: center; text-transform: uppercase; background: #fde9c8; color: #7a4b00; }
.status-done, .status-agreed { background: #d7f0dc; color: #1d6b2e; }
.status-dropped, .status-cancelled, .status-wontfix { background: #e6e6e6; color: #555; }
.meta { font-size: 0.9em; }
.meta::before { content: "— "; }
.followups, .contributors { margin-top: 2.5rem; }
@media print {
  @page { margin: 18mm 16mm; }
  html { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .session + .session, .followups { break-before: page; }
  h1, h2, h3, h4, .actions-title { break-after: avoid; }
  li, pre, blockquote, .facts { break-inside: avoid; }
  a { color: inherit; }
  .notes a[href^="http"]:not(.bare)::after { content: " <" attr(href) ">"; font-size: 0.85em; color: var(--muted); }
  .status { border: 1px solid currentColor; }
}
`.trim();
