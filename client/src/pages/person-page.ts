/** `/followups/person/:name`: one person's follow-ups across every event (GET /api/followups?assignee=), issue #17. */
import type { PersonFollowupsResponse } from '../../../shared/api.ts';
import { apiCall } from '../api.ts';
import { h, showPage } from '../dom.ts';
import { showPersonFollowups } from '../views/person-followups.ts';

export async function personPage(name: string): Promise<void> {
  const list = h('div', { class: 'board-groups', 'data-testid': 'person-board', 'aria-live': 'polite' }, h('p', { class: 'muted loading' }, 'Loading follow-ups…'));
  showPage(
    `Follow-ups of ${name} · all events`,
    h('header', { class: 'session-header' }, h('a', { class: 'crumb', href: '/' }, '← All sessions'), h('h1', {}, `Follow-ups of ${name}`), h('p', { class: 'muted' }, 'Across all events')),
    list,
  );
  const answer = await apiCall<PersonFollowupsResponse>('GET', `/api/followups?assignee=${encodeURIComponent(name)}`);
  if (!answer.ok) {
    list.replaceChildren(h('p', { class: 'muted' }, `Could not load the follow-ups: ${answer.message}`));
    return;
  }
  showPersonFollowups(list, name, answer.value.items);
}
