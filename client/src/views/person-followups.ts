/** One person's follow-ups across events (issue #17): a card per event, a row per item with its session, status and carry-over links. */
import type { Followup } from '../../../shared/followups.ts';
import { h } from '../dom.ts';
import { STATUS_LABELS } from './assign-form.ts';
import { carryLinkNodes } from './carry-links.ts';

export function showPersonFollowups(list: HTMLElement, name: string, items: readonly Followup[]): void {
  if (items.length === 0) {
    list.replaceChildren(h('div', { class: 'empty card' }, h('p', {}, `Nothing assigned to ${name} in any event.`)));
    return;
  }
  const byEvent = new Map<string, Followup[]>();
  for (const item of items) byEvent.set(item.eventId, [...(byEvent.get(item.eventId) ?? []), item]);
  list.replaceChildren(
    ...[...byEvent].map(([eventId, group]) =>
      h(
        'section',
        { class: 'board-group card', 'data-group': eventId },
        h('h2', {}, h('a', { href: `/e/${encodeURIComponent(eventId)}/followups?assignee=${encodeURIComponent(name)}` }, eventId), h('span', { class: 'muted count' }, ` (${group.length})`)),
        h('ul', { class: 'board-items' }, ...group.map(row)),
      ),
    ),
  );
}

function row(item: Followup): HTMLElement {
  return h(
    'li',
    { class: `board-item${item.done ? ' is-done' : ''}`, 'data-item-id': item.id, 'data-status': item.status },
    h('span', { class: 'board-text' }, item.text),
    h('span', { class: `status-chip status-${item.status}` }, STATUS_LABELS[item.status]),
    h('span', { class: 'muted board-where' }, h('a', { href: `/s/${item.sessionId}#topic-${item.topicId}` }, `${item.sessionTitle} › ${item.topicTitle}`), item.due ? ` · due ${item.due}` : '', ...carryLinkNodes(item)),
  );
}
