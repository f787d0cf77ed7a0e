/**
 * The session page's lead tools (issue 15): a "Share" button opening one dialog with the
 * session's participant and viewer links (create, copy, QR, revoke), "Close to link holders" /
 * "Open to everyone" for the event when the user is admin, and the lead's actions in one place:
 * "Now discussing" (set or stop), assigning follow-ups (under each action item, or the board) and
 * finalising (the history page). Fits a 375 px wide phone.
 */
import type { ApiEvent, ApiTopic, NewTokenResponse, TokenInfo } from '../../../shared/api.ts';
import type { TokenRole } from '../../../shared/roles.ts';
import { apiCall } from '../api.ts';
import { h } from '../dom.ts';
import { linksPanel } from './links-panel.ts';

export interface ShareOptions {
  sessionId: string;
  eventId: string | undefined;
  topics: ApiTopic[];
  /** The token the lead tools call with: the lead link's, or the admin token of this tab. */
  token: string | undefined;
  isAdmin: boolean;
}

export function shareButton(options: ShareOptions): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'share-button', 'aria-haspopup': 'dialog', 'data-testid': 'share' }, 'Share');
  button.addEventListener('click', () => void openShareDialog(options));
  return button;
}

async function openShareDialog(options: ShareOptions): Promise<void> {
  const { sessionId, token } = options;
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const roles: TokenRole[] = ['participant', 'viewer'];
  const links = linksPanel({
    sessionId,
    roles,
    idPrefix: 'share',
    backend: {
      list: async () => {
        const answer = await apiCall<{ tokens: TokenInfo[] }>('GET', `${base}/tokens`, { token });
        return answer.ok ? { ...answer, value: { tokens: answer.value.tokens.filter((t) => t.role !== 'lead') } } : answer;
      },
      create: (role, label) => apiCall<NewTokenResponse>('POST', `${base}/tokens`, { token, body: label ? { role, label } : { role } }),
      revoke: (id) => apiCall<TokenInfo>('DELETE', `${base}/tokens/${encodeURIComponent(id)}`, { token }),
    },
  });
  const close = h('button', { type: 'button', class: 'secondary', 'data-testid': 'close-share' }, 'Close');
  const dialog = h(
    'dialog',
    { class: 'share-dialog card', 'aria-labelledby': 'share-title', 'data-testid': 'share-dialog' },
    h('div', { class: 'dialog-head' }, h('h2', { id: 'share-title' }, 'Share and lead tools'), close),
    links.element,
    options.isAdmin && options.eventId ? await eventAccess(options.eventId, token) : null,
    leadTools(options, base),
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  await links.refresh();
}

/** "Close to link holders" / "Open to everyone" (admin only, server-side too). */
async function eventAccess(eventId: string, token: string | undefined): Promise<HTMLElement> {
  const path = `/api/events/${encodeURIComponent(eventId)}`;
  const status = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'access-status' });
  const button = h('button', { type: 'button', class: 'secondary', 'data-testid': 'event-access' });
  let closed = false;
  const show = (): void => {
    button.textContent = closed ? 'Open to everyone' : 'Close to link holders';
  };
  const event = await apiCall<ApiEvent>('GET', path, { token });
  closed = event.ok && event.value.participantAccess === 'link';
  show();
  button.addEventListener('click', () => {
    void apiCall('PATCH', path, { token, body: { participantAccess: closed ? 'open' : 'link' } }).then((answer) => {
      if (answer.ok) closed = !closed;
      status.textContent = answer.ok ? (closed ? 'Closed: only link holders edit; others read.' : 'Open: anyone with the page edits.') : `Not changed: ${answer.message}`;
      show();
    });
  });
  return h('section', { 'aria-labelledby': 'share-access-title' }, h('h3', { id: 'share-access-title' }, 'Event access'), button, status);
}

function leadTools({ sessionId, eventId, topics, token }: ShareOptions, base: string): HTMLElement {
  const select = h('select', { id: 'share-now', 'data-testid': 'share-now' }, h('option', { value: '' }, '— nothing —'), ...topics.map((t) => h('option', { value: t.id }, t.title)));
  const status = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'share-now-status' });
  const set = h('button', { type: 'submit', 'data-testid': 'share-set-now' }, 'Set');
  const form = h('form', { class: 'inline-form' }, h('label', { for: select.id }, 'Now discussing'), select, set);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const topicId = select.value || null;
    void apiCall('PUT', `${base}/discussion`, { token, body: { topicId } }).then((answer) => {
      status.textContent = answer.ok ? (topicId ? `Now discussing: ${select.selectedOptions[0]?.textContent ?? topicId}.` : 'Stopped: nothing is being discussed.') : `Not changed: ${answer.message}`;
    });
  });
  return h(
    'section',
    { 'aria-labelledby': 'share-tools-title' },
    h('h3', { id: 'share-tools-title' }, 'Lead tools'),
    form,
    status,
    h(
      'ul',
      { class: 'tool-links' },
      h('li', {}, 'Assign follow-ups: “Assign” under each action item, or on the ', eventId ? h('a', { href: `/e/${eventId}/followups` }, 'follow-ups board') : 'follow-ups board', '.'),
      h('li', {}, 'Finalise the notes: ', h('a', { href: `/s/${sessionId}/history` }, 'History & versions'), ' → “Finalise”.'),
    ),
  );
}
