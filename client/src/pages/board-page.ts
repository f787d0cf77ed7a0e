/**
 * `/e/:eventId/followups`: every follow-up of the event (GET /api/events/:id/followups), grouped by
 * person or by session, filtered by status; `?assignee=NAME` is a person's own page ("my
 * follow-ups"). Sessions whose lead link is kept on this device get the assignment form. Not a
 * Yjs view: it refreshes every 15 s and whenever the tab regains focus.
 */
import type { Followup } from '../../../shared/followups.ts';
import { can } from '../../../shared/roles.ts';
import type { AccessResponse, EventFollowupsResponse } from '../../../shared/api.ts';
import { apiCall, getJson, type ApiEvent } from '../api.ts';
import { sessionToken } from '../auth/session-token.ts';
import { boardSearch, followupsPath, readBoardFilter } from '../board/board-filter.ts';
import { h, showPage } from '../dom.ts';
import { storedName } from '../identity.ts';
import { boardControls } from '../views/board-controls.ts';
import { showBoardGroups } from '../views/board-groups.ts';

const REFRESH_MS = 15_000;

export async function boardPage(eventId: string): Promise<void> {
  showPage('Follow-ups', h('p', { class: 'muted loading' }, 'Loading follow-ups…'));
  const event = await getJson<ApiEvent>(`/api/events/${encodeURIComponent(eventId)}`);
  if (event.kind === 'not-found') {
    showPage('Unknown event', h('div', { class: 'empty card' }, h('h1', {}, 'Unknown event'), h('p', {}, h('a', { href: '/' }, 'All sessions'))));
    return;
  }
  const eventTitle = event.kind === 'ok' ? event.value.title : eventId;
  const filter = readBoardFilter(location.search);
  const leadTokens = await leadTokensFor(event.kind === 'ok' ? event.value.sessions : []);
  const me = storedName();
  const syncUrl = (): void => history.replaceState(history.state, '', `${location.pathname}${boardSearch(filter)}`);

  const list = h('div', { class: 'board-groups', 'data-testid': 'board', 'aria-live': 'polite' });
  const note = h('p', { class: 'muted' });
  const controls = boardControls(filter, {
    onStatus: (status) => {
      filter.status = status;
      syncUrl();
      void load(true);
    },
    onGrouping: (grouping) => {
      filter.grouping = grouping;
      syncUrl();
      render();
    },
  });
  const title = filter.assignee ? `Follow-ups of ${filter.assignee}` : 'Follow-ups';
  showPage(`${title} · ${eventTitle}`, boardHeader(eventId, eventTitle, title, filter.assignee, me), controls.element, note, list);

  let items: Followup[] = [];
  const render = (): void => {
    controls.setDownloads(followupsPath(eventId, filter, 'csv'), followupsPath(eventId, filter, 'ics'));
    showBoardGroups(list, items, filter, {
      assignFor: (item) => {
        const token = leadTokens.get(item.sessionId);
        if (!token) return undefined;
        return async (patch) => {
          const answer = await apiCall('PATCH', `/api/sessions/${encodeURIComponent(item.sessionId)}/action-items/${encodeURIComponent(item.id)}`, { token, body: { ...patch, by: me ?? 'lead' } });
          if (answer.ok) await load(true);
          return answer;
        };
      },
    });
  };
  // Never redraw under a lead who is filling in an assignment (unless forced by a change of ours).
  const formOpen = (): boolean => list.querySelector('details.assign[open]') !== null;
  const load = async (force = false): Promise<void> => {
    if (!force && formOpen()) return;
    const answer = await apiCall<EventFollowupsResponse>('GET', followupsPath(eventId, filter));
    // A form may have been opened while the request was on its way.
    if (!force && formOpen()) return;
    if (!answer.ok) {
      note.textContent = `Could not load the follow-ups: ${answer.message}`;
      return;
    }
    note.textContent = '';
    items = answer.value.items;
    render();
  };

  await load(true);
  setInterval(() => void load(), REFRESH_MS);
  window.addEventListener('focus', () => void load());
}

/** Which sessions this device may assign in: those whose kept link is a lead's (or the admin's). */
async function leadTokensFor(sessions: ReadonlyArray<{ id: string }>): Promise<Map<string, string>> {
  const leadTokens = new Map<string, string>();
  await Promise.all(
    sessions.map(async (session) => {
      const token = sessionToken(session.id);
      if (!token) return;
      const access = await apiCall<AccessResponse>('GET', `/api/sessions/${encodeURIComponent(session.id)}/access`, { token });
      if (access.ok && can(access.value.role, 'assign')) leadTokens.set(session.id, token);
    }),
  );
  return leadTokens;
}

function boardHeader(eventId: string, eventTitle: string, title: string, assignee: string, me: string | null): HTMLElement {
  return h(
    'header',
    { class: 'session-header' },
    h('a', { class: 'crumb', href: '/' }, '← All sessions'),
    h('h1', {}, title),
    h('p', { class: 'muted' }, eventTitle),
    h(
      'p',
      { class: 'session-links' },
      assignee ? h('a', { href: `/e/${eventId}/followups`, 'data-testid': 'all-followups' }, 'All follow-ups') : null,
      assignee ? ' · ' : null,
      assignee ? h('a', { href: `/followups/person/${encodeURIComponent(assignee)}`, 'data-testid': 'person-all-events' }, `${assignee} across all events`) : null,
      assignee && me && me !== assignee ? ' · ' : null,
      me && me !== assignee ? h('a', { href: `/e/${eventId}/followups?assignee=${encodeURIComponent(me)}`, 'data-testid': 'my-followups' }, `My follow-ups (${me})`) : null,
    ),
  );
}
