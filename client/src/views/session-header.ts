/**
 * The session page's header: the title with the reader's role, the description's first paragraph,
 * the mode line (read-only banner, or the read-only link and "Change my name") and the links to the
 * follow-ups board, the history and the downloads.
 */
import type { Role } from '../../../shared/roles.ts';
import type { ApiSession } from '../api.ts';
import { h } from '../dom.ts';
import { rememberName, storedName, userFor } from '../identity.ts';
import type { SessionConnection } from '../session/session-connection.ts';
import { downloadLinks } from './download-links.ts';
import { roleBadge } from './role-badge.ts';

export interface SessionHeaderOptions {
  sessionId: string;
  /** The session's metadata, or null when the server was unreachable and nothing was cached. */
  session: ApiSession | null;
  title: string;
  role: Role | null;
  readOnly: boolean;
  /** The session's API path (`/api/sessions/:id`); the downloads hang below it. */
  base: string;
  connection: SessionConnection;
}

export function sessionHeader(options: SessionHeaderOptions): HTMLElement {
  const { session, title, role } = options;
  return h(
    'header',
    { class: 'session-header' },
    h('a', { class: 'crumb', href: '/' }, '← All sessions'),
    h('h1', {}, title, role ? roleBadge(role) : null),
    session?.description ? h('p', { class: 'description muted' }, firstParagraph(session.description)) : null,
    modeLine(options),
    sessionLinks(options),
  );
}

function modeLine({ sessionId, readOnly, role, connection }: SessionHeaderOptions): HTMLElement {
  return readOnly
    ? h('p', { class: 'mode read-only-banner' }, 'Read-only view — notes update live. ', role === 'viewer' ? null : h('a', { href: `/s/${sessionId}` }, 'Take notes'))
    : h('p', { class: 'mode' }, h('a', { href: `/s/${sessionId}/read` }, 'Read-only link'), ' to share with people who only watch · ', renameButton(connection));
}

function sessionLinks({ sessionId, session, base }: SessionHeaderOptions): HTMLElement {
  const eventId = session?.eventId;
  return h(
    'p',
    { class: 'session-links' },
    eventId ? h('a', { href: `/e/${eventId}/followups`, 'data-testid': 'board-link' }, 'Follow-ups board') : null,
    eventId ? ' · ' : null,
    h('a', { href: `/s/${sessionId}/history`, 'data-testid': 'history-link' }, 'History & versions'),
    ' · ',
    downloadLinks(`${base}/export`, 'Download notes'),
  );
}

/** Lets the note-taker change the name others see (kept on this device, sent via awareness). */
function renameButton(connection: SessionConnection): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link-button' }, 'Change my name');
  button.addEventListener('click', () => {
    const name = window.prompt('Your name, as others see it', storedName() ?? '')?.trim();
    if (!name) return;
    rememberName(name);
    connection.awareness.setLocalStateField('user', userFor(name));
  });
  return button;
}

function firstParagraph(text: string): string {
  const para = text.split(/\n\s*\n/)[0] ?? '';
  return para.length > 400 ? `${para.slice(0, 400)}…` : para;
}
