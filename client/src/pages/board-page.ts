/**
 * `/e/:eventId/followups`: every follow-up of the event (GET /api/events/:id/followups), grouped by
 * person or by session, filtered by status; `?assignee=NAME` is a person's own page ("my
 * follow-ups"). Sessions whose lead link is kept on this device get the assignment form. Not a
 * Yjs view: it refreshes every 15 s and whenever the tab regains focus.
 */
import { FOLLOWUP_STATUSES, type Followup, type FollowupStatus } from '../../../shared/followups.ts';
import { can } from '../../../shared/roles.ts';
import type { AccessResponse, EventFollowupsResponse } from '../../../shared/api.ts';
import { apiCall, getJson, type ApiEvent } from '../api.ts';
import { sessionToken } from '../auth/session-token.ts';
import { h, showPage } from '../dom.ts';
import { storedName } from '../identity.ts';
import { assignForm, assignmentText, STATUS_LABELS } from '../views/assign-form.ts';

const REFRESH_MS = 15_000;
type Grouping = 'person' | 'session';

export async function boardPage(eventId: string): Promise<void> {
  showPage('Follow-ups', h('p', { class: 'muted loading' }, 'Loading follow-ups…'));
  const event = await getJson<ApiEvent>(`/api/events/${encodeURIComponent(eventId)}`);
  if (event.kind === 'not-found') {
    showPage('Unknown event', h('div', { class: 'empty card' }, h('h1', {}, 'Unknown event'), h('p', {}, h('a', { href: '/' }, 'All sessions'))));
    return;
  }
  const eventTitle = event.kind === 'ok' ? event.value.title : eventId;
  const params = new URLSearchParams(location.search);
  let grouping: Grouping = params.get('group') === 'session' ? 'session' : 'person';
  let status: FollowupStatus | '' = (FOLLOWUP_STATUSES as readonly string[]).includes(params.get('status') ?? '') ? (params.get('status') as FollowupStatus) : '';
  const assignee = params.get('assignee')?.trim() ?? '';

  // Which sessions this device may assign in: those whose kept link is a lead's (or the admin's).
  const leadTokens = new Map<string, string>();
  await Promise.all(
    (event.kind === 'ok' ? event.value.sessions : []).map(async (session) => {
      const token = sessionToken(session.id);
      if (!token) return;
      const access = await apiCall<AccessResponse>('GET', `/api/sessions/${encodeURIComponent(session.id)}/access`, { token });
      if (access.ok && can(access.value.role, 'assign')) leadTokens.set(session.id, token);
    }),
  );

  const query = (format?: string): string => {
    const q = new URLSearchParams();
    if (assignee) q.set('assignee', assignee);
    if (status) q.set('status', status);
    if (format) q.set('format', format);
    const text = q.toString();
    return `/api/events/${encodeURIComponent(eventId)}/followups${text ? `?${text}` : ''}`;
  };
  const syncUrl = (): void => {
    const q = new URLSearchParams();
    if (assignee) q.set('assignee', assignee);
    if (status) q.set('status', status);
    if (grouping === 'session') q.set('group', 'session');
    const text = q.toString();
    history.replaceState(history.state, '', `${location.pathname}${text ? `?${text}` : ''}`);
  };

  const me = storedName();
  const title = assignee ? `Follow-ups of ${assignee}` : 'Follow-ups';
  const statusSelect = h('select', { id: 'status-filter', 'data-testid': 'status-filter' }, h('option', { value: '' }, 'all'), ...FOLLOWUP_STATUSES.map((s) => h('option', { value: s }, STATUS_LABELS[s])));
  statusSelect.value = status;
  const byPerson = h('input', { type: 'radio', name: 'group', id: 'group-person', value: 'person', checked: grouping === 'person' });
  const bySession = h('input', { type: 'radio', name: 'group', id: 'group-session', value: 'session', checked: grouping === 'session' });
  const csv = h('a', { download: '', 'data-testid': 'csv' }, 'CSV');
  const ics = h('a', { download: '', 'data-testid': 'ics' }, 'iCalendar');
  const list = h('div', { class: 'board-groups', 'data-testid': 'board', 'aria-live': 'polite' });
  const note = h('p', { class: 'muted' });
  const controls = h(
    'div',
    { class: 'board-controls card' },
    h('fieldset', { class: 'grouping' }, h('legend', {}, 'Group by'), h('label', { for: 'group-person' }, byPerson, ' person'), h('label', { for: 'group-session' }, bySession, ' session')),
    h('label', { for: 'status-filter' }, 'Status ', statusSelect),
    h('span', { class: 'downloads' }, 'Download: ', csv, ' ', ics),
  );
  showPage(
    `${title} · ${eventTitle}`,
    h(
      'header',
      { class: 'session-header' },
      h('a', { class: 'crumb', href: '/' }, '← All sessions'),
      h('h1', {}, title),
      h('p', { class: 'muted' }, eventTitle),
      h(
        'p',
        { class: 'session-links' },
        assignee ? h('a', { href: `/e/${eventId}/followups`, 'data-testid': 'all-followups' }, 'All follow-ups') : null,
        assignee && me && me !== assignee ? ' · ' : null,
        me && me !== assignee ? h('a', { href: `/e/${eventId}/followups?assignee=${encodeURIComponent(me)}`, 'data-testid': 'my-followups' }, `My follow-ups (${me})`) : null,
      ),
    ),
    controls,
    note,
    list,
  );

  let items: Followup[] = [];
  const render = (): void => {
    csv.setAttribute('href', query('csv'));
    ics.setAttribute('href', query('ics'));
    const groups = new Map<string, Followup[]>();
    for (const item of items) {
      const key = grouping === 'person' ? (item.assignee?.name ?? 'Unassigned') : item.sessionTitle;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const keys = [...groups.keys()];
    if (grouping === 'person') keys.sort((a, b) => (a === 'Unassigned' ? 1 : b === 'Unassigned' ? -1 : a.localeCompare(b)));
    if (keys.length === 0) {
      list.replaceChildren(h('div', { class: 'empty card' }, h('p', {}, assignee ? `Nothing assigned to ${assignee}${status ? ` with status “${STATUS_LABELS[status]}”` : ''}.` : 'No action items yet.')));
      return;
    }
    list.replaceChildren(
      ...keys.map((key) =>
        h('section', { class: 'board-group card', 'data-group': key }, h('h2', {}, key, h('span', { class: 'muted count' }, ` (${groups.get(key)!.length})`)), h('ul', { class: 'board-items' }, ...groups.get(key)!.map(itemRow))),
      ),
    );
  };
  const itemRow = (item: Followup): HTMLElement => {
    const token = leadTokens.get(item.sessionId);
    const where = grouping === 'person' ? `${item.sessionTitle} › ${item.topicTitle}` : `${item.topicTitle}${item.assignee ? ` · ${item.assignee.name}` : ''}`;
    const row = h(
      'li',
      { class: `board-item${item.done ? ' is-done' : ''}`, 'data-item-id': item.id, 'data-status': item.status },
      h('span', { class: 'board-text' }, item.text),
      h('span', { class: `status-chip status-${item.status}` }, STATUS_LABELS[item.status]),
      h('span', { class: 'muted board-where' }, h('a', { href: `/s/${item.sessionId}#topic-${item.topicId}` }, where), item.due ? ` · due ${item.due}` : ''),
    );
    if (token) {
      const form = assignForm(
        () => item.text,
        async (patch) => {
          const answer = await apiCall('PATCH', `/api/sessions/${encodeURIComponent(item.sessionId)}/action-items/${encodeURIComponent(item.id)}`, { token, body: { ...patch, by: me ?? 'lead' } });
          if (answer.ok) await load(true);
          return answer;
        },
      );
      form.show(item);
      row.append(form.element);
    }
    row.title = assignmentText(item);
    return row;
  };
  const load = async (force = false): Promise<void> => {
    // Never redraw under a lead who is filling in an assignment.
    if (!force && list.querySelector('details.assign[open]')) return;
    const answer = await apiCall<EventFollowupsResponse>('GET', query());
    // A form may have been opened while the request was on its way.
    if (!force && list.querySelector('details.assign[open]')) return;
    if (!answer.ok) {
      note.textContent = `Could not load the follow-ups: ${answer.message}`;
      return;
    }
    note.textContent = '';
    items = answer.value.items;
    render();
  };

  statusSelect.addEventListener('change', () => {
    status = statusSelect.value as FollowupStatus | '';
    syncUrl();
    void load(true);
  });
  for (const radio of [byPerson, bySession]) {
    radio.addEventListener('change', () => {
      grouping = radio.value as Grouping;
      syncUrl();
      render();
    });
  }
  await load(true);
  setInterval(() => void load(), REFRESH_MS);
  window.addEventListener('focus', () => void load());
}
