/** The history side bar's two lists: the checkpoints table (time, reason, authors) and the finalised versions. */
import type { CheckpointInfo } from '../../../../shared/api.ts';
import { h } from '../../dom.ts';
import { REASONS, versionLabel, when } from './history-context.ts';

type OnView = (c: CheckpointInfo) => void;

export interface ListView<E extends HTMLElement> {
  element: E;
  show(checkpoints: readonly CheckpointInfo[], onView: OnView): void;
}

export function checkpointTable(): ListView<HTMLElement> {
  const body = h('tbody', { 'data-testid': 'checkpoints' });
  const head = h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Why'), h('th', {}, 'Authors'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Show'))));
  return {
    element: h('div', { class: 'table-scroll' }, h('table', { class: 'checkpoints' }, head, body)),
    show(checkpoints, onView) {
      body.replaceChildren(...checkpoints.map((c) => checkpointRow(c, onView)));
      if (checkpoints.length === 0) body.append(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No checkpoints yet.')));
    },
  };
}

function checkpointRow(c: CheckpointInfo, onView: OnView): HTMLElement {
  const view = h('button', { type: 'button', class: 'small secondary', 'data-testid': 'view-checkpoint' }, 'View');
  view.addEventListener('click', () => onView(c));
  return h(
    'tr',
    { 'data-checkpoint-id': c.id, 'data-reason': c.reason },
    h('td', {}, h('time', { datetime: c.createdAt }, when(c.createdAt))),
    h('td', {}, c.version !== undefined ? `${REASONS[c.reason]} ${versionLabel(c.version)}` : REASONS[c.reason]),
    h('td', {}, c.contributors.join(', ') || '—'),
    h('td', {}, view),
  );
}

/** The finalised versions, each a link named `<session title> -NN`. */
export function versionList(sessionTitle: string): ListView<HTMLUListElement> {
  const element = h('ul', { class: 'versions', 'data-testid': 'versions' });
  return {
    element,
    show(versions, onView) {
      element.replaceChildren(
        ...versions.map((v) => {
          const link = h('a', { href: `#version-${versionLabel(v.version ?? 0)}`, 'data-testid': 'version-link' }, `${sessionTitle} ${versionLabel(v.version ?? 0)}`);
          link.addEventListener('click', (event) => {
            event.preventDefault();
            onView(v);
          });
          return h('li', {}, link, h('span', { class: 'muted' }, ` · ${when(v.createdAt)}`));
        }),
      );
      if (versions.length === 0) element.append(h('li', { class: 'muted' }, 'Not finalised yet.'));
    },
  };
}
