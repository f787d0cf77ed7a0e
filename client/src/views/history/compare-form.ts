/** "Compare <point> with <point>": two pickers over the checkpoints and the notes now, and the button. */
import type { CheckpointInfo, DiffResponse } from '../../../../shared/api.ts';
import { h } from '../../dom.ts';
import { REASONS, when, type HistoryContext } from './history-context.ts';
import { showDiff } from './history-panel.ts';

export interface CompareForm {
  element: HTMLElement;
  /** Offers these checkpoints, keeping what the reader picked if it is still there. */
  offer(checkpoints: readonly CheckpointInfo[]): void;
}

export function compareForm({ call, message, panel }: HistoryContext): CompareForm {
  const fromSelect = h('select', { id: 'diff-from', 'data-testid': 'diff-from' });
  const toSelect = h('select', { id: 'diff-to', 'data-testid': 'diff-to' });
  const compare = h('button', { type: 'button', 'data-testid': 'compare' }, 'Compare');
  for (const select of [fromSelect, toSelect]) select.addEventListener('change', () => (select.dataset['picked'] = 'yes'));
  compare.addEventListener('click', async () => {
    const answer = await call<DiffResponse>('GET', `/diff?from=${encodeURIComponent(fromSelect.value)}&to=${encodeURIComponent(toSelect.value)}`);
    if (!answer.ok) {
      message.textContent = answer.message;
      return;
    }
    message.textContent = '';
    showDiff(panel, `Changes from ${fromSelect.selectedOptions[0]?.textContent ?? ''} to ${toSelect.selectedOptions[0]?.textContent ?? ''}`, answer.value.topics);
  });
  return {
    element: h('p', { class: 'compare-form' }, h('label', { for: 'diff-from' }, 'Compare ', fromSelect), ' ', h('label', { for: 'diff-to' }, 'with ', toSelect), ' ', compare),
    offer(checkpoints) {
      // Default to the newest checkpoint → the notes now.
      offerPoints(fromSelect, checkpoints, checkpoints[0]?.id ?? 'live');
      offerPoints(toSelect, checkpoints, 'live');
    },
  };
}

function offerPoints(select: HTMLSelectElement, checkpoints: readonly CheckpointInfo[], fallback: string): void {
  // Keep what the reader picked; otherwise the fallback.
  const keep = select.dataset['picked'] ? select.value : fallback;
  select.replaceChildren(h('option', { value: 'live' }, 'the notes now'), ...checkpoints.map((c) => h('option', { value: c.id }, `${when(c.createdAt)} (${REASONS[c.reason]})`)));
  select.value = [...select.options].some((o) => o.value === keep) ? keep : fallback;
}
