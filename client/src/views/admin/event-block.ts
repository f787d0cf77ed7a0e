/**
 * An event in the console: title and description (edit), open/close to link holders
 * (`participantAccess`), and its sessions with people online now; plus the "New event" form.
 */
import type { ApiEvent } from '../../../../shared/api.ts';
import type { AdminApi } from '../../admin/admin-api.ts';
import { h } from '../../dom.ts';
import { sessionRow, type SessionManagerOptions } from './session-manager.ts';

export function eventBlock(event: ApiEvent, options: SessionManagerOptions): HTMLElement {
  const { api, announce, refresh } = options;
  const closed = event.participantAccess === 'link';
  const access = h('button', { type: 'button', class: 'secondary', 'data-testid': 'event-access' }, closed ? 'Open to everyone' : 'Close to link holders');
  access.addEventListener('click', () => {
    void api.editEvent(event.id, { participantAccess: closed ? 'open' : 'link' }).then(async (answer) => {
      announce(answer.ok ? `${event.title} is now ${closed ? 'open to everyone' : 'closed: only link holders edit'}.` : `Not changed: ${answer.message}`);
      if (answer.ok) await refresh();
    });
  });
  return h(
    'section',
    { class: 'event', 'aria-labelledby': `admin-event-${event.id}`, 'data-event-id': event.id },
    h('h2', { id: `admin-event-${event.id}` }, event.title, ' ', h('code', { class: 'muted' }, event.id)),
    event.description ? h('p', { class: 'muted' }, event.description) : null,
    h('p', { class: 'dialog-actions' }, h('span', { 'data-testid': 'access-state' }, closed ? 'Closed: only link holders edit. ' : 'Open: anyone with the page edits. '), access),
    editEventForm(event, api, announce, refresh),
    event.sessions.length === 0 ? h('p', { class: 'muted' }, 'No sessions yet: import some below.') : h('ul', { class: 'session-list' }, ...event.sessions.map((s) => sessionRow(s, options))),
  );
}

function editEventForm(event: ApiEvent, api: AdminApi, announce: (text: string) => void, refresh: () => Promise<void>): HTMLElement {
  const title = h('input', { type: 'text', id: `event-${event.id}-title`, value: event.title, required: true, maxlength: 300 });
  const description = h('textarea', { id: `event-${event.id}-description`, rows: 2 });
  description.value = event.description;
  const form = h(
    'form',
    { class: 'event-form' },
    h('div', { class: 'field' }, h('label', { for: title.id }, 'Title'), title),
    h('div', { class: 'field' }, h('label', { for: description.id }, 'Description'), description),
    h('button', { type: 'submit' }, 'Save event'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void api.editEvent(event.id, { title: title.value.trim(), description: description.value }).then(async (answer) => {
      announce(answer.ok ? `Saved the event ${title.value.trim()}.` : `Not saved: ${answer.message}`);
      if (answer.ok) await refresh();
    });
  });
  return h('details', { class: 'edit-event' }, h('summary', {}, 'Edit event'), form);
}

/** "New event": id, title, description → `POST /api/events`. */
export function newEventForm(api: AdminApi, announce: (text: string) => void, refresh: () => Promise<void>): HTMLElement {
  const id = h('input', { type: 'text', id: 'new-event-id', required: true, pattern: '[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?', 'aria-describedby': 'new-event-id-hint', 'data-testid': 'new-event-id' });
  const title = h('input', { type: 'text', id: 'new-event-title', required: true, maxlength: 300, 'data-testid': 'new-event-title' });
  const description = h('textarea', { id: 'new-event-description', rows: 2 });
  const form = h(
    'form',
    { class: 'event-form' },
    h('div', { class: 'field' }, h('label', { for: id.id }, 'Id'), id, h('p', { id: 'new-event-id-hint', class: 'muted hint' }, 'Lower-case letters, digits and dashes, e.g. lpc2026.')),
    h('div', { class: 'field' }, h('label', { for: title.id }, 'Title'), title),
    h('div', { class: 'field' }, h('label', { for: description.id }, 'Description'), description),
    h('button', { type: 'submit', 'data-testid': 'create-event' }, 'Create event'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { id: id.value.trim(), title: title.value.trim(), ...(description.value.trim() ? { description: description.value.trim() } : {}) };
    void api.createEvent(body).then(async (answer) => {
      if (!answer.ok) return announce(answer.code === 'EVENT_EXISTS' ? `There is already an event “${body.id}”.` : `Not created: ${answer.message}`);
      announce(`Created the event ${body.title}.`);
      form.reset();
      await refresh();
    });
  });
  return h('details', { class: 'card new-event' }, h('summary', {}, 'New event'), form);
}
