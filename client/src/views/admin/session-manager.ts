/**
 * One session in the console: its row (title, people online now, "New lead link" — a lead who
 * lost the lead link gets a new one in two clicks: this button, then Copy) and, behind "Manage",
 * the session's details form, topics, links, Etherpad pad import and archive. The details load
 * when "Manage" is first opened.
 */
import type { ApiSession, ApiSessionSummary } from '../../../../shared/api.ts';
import type { AdminApi, Lead, SessionPatch } from '../../admin/admin-api.ts';
import { h } from '../../dom.ts';
import { showLinkOnce } from '../link-dialog.ts';
import { linksPanel } from '../links-panel.ts';
import { topicsEditor } from './topics-editor.ts';

export interface SessionManagerOptions {
  api: AdminApi;
  announce(text: string): void;
  /** Reloads the console's event list (after an archive). */
  refresh(): Promise<void>;
}

export function sessionRow(session: ApiSessionSummary, options: SessionManagerOptions): HTMLLIElement {
  const { api, announce } = options;
  const newLead = h('button', { type: 'button', 'data-testid': 'new-lead-link', 'aria-label': `New lead link for ${session.title}` }, 'New lead link');
  newLead.addEventListener('click', () => {
    void api.createToken(session.id, 'lead', 'lead link (from the console)').then((answer) => {
      if (!answer.ok) return announce(`No lead link: ${answer.message}`);
      announce(`Created a lead link for ${session.title}.`);
      showLinkOnce(answer.value.link, `Lead link for ${session.title}: copy it now`, `lead link of ${session.title}`);
    });
  });
  const manage = h('details', { class: 'manage', 'data-testid': 'manage-session' }, h('summary', {}, 'Manage'));
  let loaded = false;
  manage.addEventListener('toggle', () => {
    if (!manage.open || loaded) return;
    loaded = true;
    void fillManager(manage, session.id, options);
  });
  return h(
    'li',
    { class: 'session card', 'data-session-id': session.id },
    h('h3', {}, h('a', { href: `/s/${session.id}` }, session.title), ' ', h('code', { class: 'muted' }, session.id)),
    h(
      'p',
      { class: 'session-facts' },
      h('span', { class: 'online', 'data-testid': 'online', 'data-count': session.online }, session.online === 1 ? '1 person here now' : `${session.online} people here now`),
      ` · ${session.topics.length} topics · `,
      h('a', { href: `/s/${session.id}/read` }, 'read view'),
    ),
    h('p', { class: 'dialog-actions' }, newLead),
    manage,
  );
}

async function fillManager(host: HTMLDetailsElement, sessionId: string, options: SessionManagerOptions): Promise<void> {
  const { api, announce } = options;
  const answer = await api.session(sessionId);
  if (!answer.ok) {
    host.append(h('p', { class: 'error' }, `Could not load the session: ${answer.message}`));
    return;
  }
  const topics = topicsEditor({ api, sessionId, announce });
  topics.show(answer.value.topics);
  const links = linksPanel({
    sessionId,
    roles: ['lead', 'participant', 'viewer'],
    idPrefix: `admin-${sessionId}`,
    backend: { list: () => api.tokens(sessionId), create: (role, label) => api.createToken(sessionId, role, label), revoke: (id) => api.revokeToken(sessionId, id) },
  });
  host.append(detailsForm(answer.value, options), topics.element, links.element, padImport(sessionId, options), archiveButton(answer.value, options));
  await links.refresh();
}

/** `Ada Lovelace <ada@example.org>` per line ↔ leads. */
export function parseLeads(text: string): Lead[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(.*?)\s*<([^>]+)>$/.exec(line);
      return match ? { name: match[1]!.trim(), email: match[2]!.trim() } : { name: line };
    });
}

const leadsText = (leads: Lead[]): string => leads.map((l) => (l.email ? `${l.name} <${l.email}>` : l.name)).join('\n');

function detailsForm(session: ApiSession, { api, announce }: SessionManagerOptions): HTMLFormElement {
  const id = (name: string): string => `session-${session.id}-${name}`;
  const title = h('input', { type: 'text', id: id('title'), value: session.title, maxlength: 300, required: true });
  const description = h('textarea', { id: id('description'), rows: 3 });
  description.value = session.description;
  const leads = h('textarea', { id: id('leads'), rows: 3, 'aria-describedby': id('leads-hint') });
  leads.value = leadsText(session.leads);
  const start = h('input', { type: 'text', id: id('start'), value: session.schedule?.start ?? '', placeholder: '2019-09-10T10:00:00+01:00' });
  const end = h('input', { type: 'text', id: id('end'), value: session.schedule?.end ?? '' });
  const room = h('input', { type: 'text', id: id('room'), value: session.schedule?.room ?? '' });
  const field = (label: string, control: HTMLElement): HTMLElement => h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  const form = h(
    'form',
    { class: 'session-form', 'data-testid': 'session-form' },
    h('h3', {}, 'Session'),
    field('Title', title),
    field('Description', description),
    field('Leads, one per line', leads),
    h('p', { id: id('leads-hint'), class: 'muted hint' }, 'Name, optionally followed by <email>.'),
    field('Starts (ISO 8601 with offset)', start),
    field('Ends', end),
    field('Room', room),
    h('button', { type: 'submit', 'data-testid': 'save-session' }, 'Save session'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const patch: SessionPatch = { title: title.value.trim(), description: description.value, leads: parseLeads(leads.value) };
    if (start.value.trim()) patch.schedule = { start: start.value.trim(), ...(end.value.trim() ? { end: end.value.trim() } : {}), ...(room.value.trim() ? { room: room.value.trim() } : {}) };
    void api.editSession(session.id, patch).then((answer) => announce(answer.ok ? `Saved ${patch.title}.` : `Not saved: ${answer.message}`));
  });
  return form;
}

const PAD_TYPES: [RegExp, string][] = [
  [/\.(etherpad|json)$/i, 'application/json'],
  [/\.html?$/i, 'text/html'],
];

function padImport(sessionId: string, { api, announce }: SessionManagerOptions): HTMLFormElement {
  const file = h('input', { type: 'file', id: `pad-file-${sessionId}`, accept: '.etherpad,.json,.txt,.html,.htm', required: true, 'data-testid': 'pad-file' });
  const form = h(
    'form',
    { class: 'inline-form' },
    h('h3', {}, 'Etherpad pad'),
    h('label', { for: file.id }, 'Pad export (.etherpad, .txt or .html)'),
    file,
    h('button', { type: 'submit', class: 'secondary', 'data-testid': 'import-pad' }, 'Import pad'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    const type = PAD_TYPES.find(([pattern]) => pattern.test(chosen.name))?.[1] ?? 'text/plain';
    void api.importPad(sessionId, chosen, type).then((answer) => announce(answer.ok ? `Imported the pad ${chosen.name} into the notes.` : `Pad not imported: ${answer.message}`));
  });
  return form;
}

function archiveButton(session: ApiSession, { api, announce, refresh }: SessionManagerOptions): HTMLElement {
  const button = h('button', { type: 'button', class: 'danger', 'data-testid': 'archive-session' }, 'Archive session');
  button.addEventListener('click', () => {
    if (!window.confirm(`Archive “${session.title}”? Its notes stay readable; it leaves the lists of current sessions.`)) return;
    void api.archive(session.id, true).then(async (answer) => {
      announce(answer.ok ? `Archived ${session.title}.` : `Not archived: ${answer.message}`);
      if (answer.ok) await refresh();
    });
  });
  return h('p', {}, button);
}
