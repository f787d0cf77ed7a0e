/** `/`: every event with its sessions, each session's topics, and how many people are in it now. */
import { getJson, type ApiEvent, type ApiSessionSummary, type EventsResponse } from '../api.ts';
import { h, showPage } from '../dom.ts';
import { downloadLinks } from '../views/download-links.ts';

const REFRESH_MS = 15_000;

export async function eventPage(): Promise<void> {
  showPage('Sessions', h('p', { class: 'muted loading' }, 'Loading events…'));
  let shownShape = '';
  const render = async (): Promise<void> => {
    const list = await getJson<EventsResponse>('/api/events');
    if (list.kind !== 'ok') {
      shownShape = '';
      showPage('Sessions', header(), h('div', { class: 'empty card' }, h('h2', {}, 'The server cannot be reached'), h('p', {}, 'Check your connection; this page retries on its own.')));
      return;
    }
    const events = (await Promise.all(list.value.events.map((e) => getJson<ApiEvent>(`/api/events/${encodeURIComponent(e.id)}`)))).flatMap((result) =>
      result.kind === 'ok' ? [result.value] : [],
    );
    // Same events, sessions and topics as shown: update the counts in place, so a refresh never
    // moves the keyboard focus or the scroll position.
    const shape = (list.fromCache ? 'cached:' : 'live:') + JSON.stringify(events.map((e) => [e.id, e.title, e.sessions.map((s) => [s.id, s.title, s.topics.map((t) => t.title)])]));
    if (shape === shownShape) {
      for (const session of events.flatMap((e) => e.sessions)) {
        const online = document.querySelector<HTMLElement>(`li[data-session-id="${session.id}"] [data-testid="online"]`);
        if (online) {
          online.textContent = onlineText(session.online);
          online.dataset['count'] = String(session.online);
        }
      }
      return;
    }
    shownShape = shape;
    const blocks = events.map(eventBlock);
    const offline = list.fromCache ? h('p', { class: 'muted' }, 'Offline: showing the list as it was last seen.') : null;
    if (blocks.length === 0) {
      showPage('Sessions', header(), h('div', { class: 'empty card' }, h('h2', {}, 'No events yet'), h('p', {}, 'An organiser imports sessions with the admin token (see the README: “Import”).')));
      return;
    }
    const open = new Set(Array.from(document.querySelectorAll<HTMLDetailsElement>('details[data-session][open]'), (d) => d.dataset['session']));
    showPage('Sessions', header(), offline, ...blocks);
    for (const details of document.querySelectorAll<HTMLDetailsElement>('details[data-session]')) details.open = open.has(details.dataset['session']);
  };
  await render();
  setInterval(() => void render(), REFRESH_MS);
}

function header(): HTMLElement {
  return h('header', { class: 'site-header' }, h('h1', {}, 'mcpad'), h('p', { class: 'muted' }, 'Live shared notes for microconferences. Pick a session, type your name, take notes together.'));
}

function eventBlock(event: ApiEvent): HTMLElement {
  return h(
    'section',
    { class: 'event', 'aria-labelledby': `event-${event.id}` },
    h('h2', { id: `event-${event.id}` }, event.title),
    event.description ? h('p', { class: 'muted' }, event.description) : null,
    h(
      'p',
      { class: 'session-links' },
      h('a', { href: `/e/${event.id}/followups`, 'data-testid': 'board-link' }, 'Follow-ups board'),
      ' · ',
      downloadLinks(`/api/events/${encodeURIComponent(event.id)}/export`, 'Download the summary'),
    ),
    event.sessions.length === 0 ? h('p', { class: 'muted' }, 'No sessions yet.') : h('ul', { class: 'session-list' }, ...event.sessions.map(sessionItem)),
  );
}

function sessionItem(session: ApiSessionSummary): HTMLElement {
  const when = session.schedule ? formatSchedule(session.schedule) : '';
  return h(
    'li',
    { class: 'session card', 'data-session-id': session.id },
    h('h3', {}, h('a', { href: `/s/${session.id}` }, session.title)),
    h('p', { class: 'session-facts' }, h('span', { class: 'online', 'data-testid': 'online', 'data-count': session.online }, onlineText(session.online)), when ? ` · ${when}` : '', ' · ', h('a', { href: `/s/${session.id}/read` }, 'read-only')),
    session.topics.length === 0
      ? h('p', { class: 'muted' }, 'No topics yet.')
      : h('details', { 'data-session': session.id }, h('summary', {}, `${session.topics.length} topics`), h('ol', { class: 'topic-list' }, ...session.topics.map((t) => h('li', {}, t.title)))),
  );
}

function onlineText(count: number): string {
  return count === 1 ? '1 person here now' : `${count} people here now`;
}

function formatSchedule(schedule: NonNullable<ApiSessionSummary['schedule']>): string {
  const start = new Date(schedule.start);
  if (Number.isNaN(start.getTime())) return '';
  const text = start.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return schedule.room ? `${text}, ${schedule.room}` : text;
}
