/** The connection state and the honest unsaved-changes count, announced politely to screen readers. */
import { stateLabel, unsavedLabel, type ConnectionState } from '../session/connection-state.ts';
import { h } from '../dom.ts';

export interface StatusBar {
  element: HTMLElement;
  show(state: ConnectionState): void;
}

export function statusBar(readOnly: boolean): StatusBar {
  const label = h('span', { class: 'status-label' });
  const unsaved = h('span', { class: 'status-unsaved', 'data-testid': 'unsaved' });
  const element = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-testid': 'status' }, h('span', { class: 'status-main' }, h('span', { class: 'status-dot', 'aria-hidden': 'true' }), label), unsaved);
  return {
    element,
    show(state) {
      element.dataset['state'] = state.kind;
      label.textContent = stateLabel(state, readOnly);
      unsaved.textContent = unsavedLabel(state);
    },
  };
}
