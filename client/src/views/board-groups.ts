/**
 * The follow-ups board's groups: one card per person or session, one row per item with its status,
 * where it comes from and its due date; items of sessions this device leads get the assignment form.
 */
import type { Followup } from '../../../shared/followups.ts';
import { groupFollowups, type BoardFilter } from '../board/board-filter.ts';
import { h } from '../dom.ts';
import { assignForm, assignmentText, STATUS_LABELS, type AssignFn } from './assign-form.ts';
import { carryLinkNodes } from './carry-links.ts';

export interface BoardRowOptions {
  /** The assignment call for an item, when this device holds a lead's link to its session. */
  assignFor(item: Followup): AssignFn | undefined;
}

export function showBoardGroups(list: HTMLElement, items: readonly Followup[], filter: BoardFilter, options: BoardRowOptions): void {
  const groups = groupFollowups(items, filter.grouping);
  if (groups.length === 0) {
    const { assignee, status } = filter;
    list.replaceChildren(h('div', { class: 'empty card' }, h('p', {}, assignee ? `Nothing assigned to ${assignee}${status ? ` with status “${STATUS_LABELS[status]}”` : ''}.` : 'No action items yet.')));
    return;
  }
  list.replaceChildren(
    ...groups.map(([key, group]) =>
      h('section', { class: 'board-group card', 'data-group': key }, h('h2', {}, key, h('span', { class: 'muted count' }, ` (${group.length})`)), h('ul', { class: 'board-items' }, ...group.map((item) => itemRow(item, filter, options)))),
    ),
  );
}

function itemRow(item: Followup, filter: BoardFilter, options: BoardRowOptions): HTMLElement {
  const where = filter.grouping === 'person' ? `${item.sessionTitle} › ${item.topicTitle}` : `${item.topicTitle}${item.assignee ? ` · ${item.assignee.name}` : ''}`;
  const row = h(
    'li',
    { class: `board-item${item.done ? ' is-done' : ''}`, 'data-item-id': item.id, 'data-status': item.status },
    h('span', { class: 'board-text' }, item.text),
    h('span', { class: `status-chip status-${item.status}` }, STATUS_LABELS[item.status]),
    h('span', { class: 'muted board-where' }, h('a', { href: `/s/${item.sessionId}#topic-${item.topicId}` }, where), item.due ? ` · due ${item.due}` : '', ...carryLinkNodes(item)),
  );
  const assign = options.assignFor(item);
  if (assign) {
    const form = assignForm(() => item.text, assign);
    form.show(item);
    row.append(form.element);
  }
  row.title = assignmentText(item);
  return row;
}
