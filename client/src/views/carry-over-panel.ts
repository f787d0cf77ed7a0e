/**
 * "Open from last time" (issue #17): the predecessor's open and in-progress follow-ups and its
 * decisions, each follow-up with a one-click "Carry over" for leads; the outcome is announced
 * in an aria-live region and the list reloads.
 */
import type { ApiFollowup, CarryOverResponse } from '../../../shared/api.ts';
import { formatSessionRef } from '../../../shared/session-ref.ts';
import { carryOutcome, type CarryOverApi } from '../carry-over/carry-over-api.ts';
import { h } from '../dom.ts';
import { assignmentText } from './assign-form.ts';
import { carryLinkNodes } from './carry-links.ts';

export function carryOverPanel(api: CarryOverApi, canCarry: boolean): HTMLElement {
  const list = h('ul', { class: 'carry-items' });
  const decisions = h('ul', { class: 'carry-decisions' });
  // Focusable, so the keyboard lands on the outcome when the clicked button goes away.
  const live = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite', tabindex: -1, 'data-testid': 'carry-status' });
  const from = h('span', {});
  const panel = h(
    'section',
    { class: 'carry-over card', 'aria-labelledby': 'carry-over-title', 'data-testid': 'carry-over' },
    h('h2', { id: 'carry-over-title' }, 'Open from last time', from),
    list,
    decisions,
    live,
  );

  const carry = async (item: ApiFollowup, button: HTMLButtonElement): Promise<void> => {
    button.disabled = true;
    const answer = await api.carry(item.id);
    live.textContent = carryOutcome(answer);
    await load();
    live.focus();
  };

  const row = (item: ApiFollowup): HTMLElement => {
    const li = h('li', { class: 'carry-item', 'data-item-id': item.id }, h('span', { class: 'carry-text' }, item.text), ' ', h('span', { class: 'muted' }, `${item.topicTitle} · ${assignmentText(item)}`), ...carryLinkNodes(item));
    if (canCarry && !item.carriedTo) {
      const button = h('button', { type: 'button', class: 'carry-button', 'aria-label': `Carry over: ${item.text}` }, 'Carry over');
      button.addEventListener('click', () => void carry(item, button));
      li.append(' ', button);
    }
    return li;
  };

  const show = (value: CarryOverResponse): void => {
    panel.hidden = value.previous === null;
    from.textContent = value.previous ? ` (${formatSessionRef(value.previous)})` : '';
    list.replaceChildren(...(value.items.length > 0 ? value.items.map(row) : [h('li', { class: 'muted' }, 'Nothing open from last time.')]));
    decisions.replaceChildren(...value.decisions.map((d) => h('li', { class: 'carry-decision' }, `Decision (${d.topicTitle}): ${d.text}${d.agreed ? ' — agreed' : ''}`)));
  };

  const load = async (): Promise<void> => {
    const answer = await api.load();
    if (answer.ok) show(answer.value);
    else live.textContent = `Could not load what is open from last time: ${answer.message}`;
  };

  panel.hidden = true;
  void load();
  return panel;
}
