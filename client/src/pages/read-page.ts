/**
 * `/s/:sessionId/read`: the session's notes rendered as HTML, live, for anyone with read access
 * (a viewer link, or an open event). Every topic in doc order with its speakers, rendered notes
 * and action items (assignee, due date, status from the state doc). Nothing can be edited: the
 * page holds a plain synced doc and never sends a change. Remote changes re-render only the
 * topics they touched, once per animation frame, keeping the reader's place (scroll-anchor.ts).
 * A revoked link or a deleted session is announced (role="alert") and the notes stay as last seen.
 */
import { h, showPage } from '../dom.ts';
import { LiveTopics, type FrameChanges } from '../read/live-topics.ts';
import { readAccess } from '../read/read-access.ts';
import { ReadConnection } from '../read/read-connection.ts';
import { ReadOnlyWebSocket } from '../read/read-only-socket.ts';
import { keepScrollPosition } from '../read/scroll-anchor.ts';
import { stateLabel } from '../session/connection-state.ts';
import { StateConnection } from '../session/state-connection.ts';
import { linkNotice, stopReason } from '../views/link-notice.ts';
import '../views/read-views.css';

export async function readPage(sessionId: string): Promise<void> {
  showPage('Loading…', h('p', { class: 'muted loading' }, 'Loading the session…'));
  const access = await readAccess(sessionId);
  if (access.kind !== 'ok') {
    showPage(access.kind === 'refused' ? 'Link not valid' : 'Unknown session', h('div', { class: 'empty card' }, linkNotice(access.kind === 'refused' ? 'forbidden' : 'not-found'), h('p', {}, h('a', { href: '/' }, 'All sessions'))));
    return;
  }
  const { token, session } = access;
  const title = session?.title ?? sessionId;
  const connection = new ReadConnection(sessionId, token);
  const state = new StateConnection(sessionId, token, ReadOnlyWebSocket);

  const status = h('p', { class: 'read-live muted', role: 'status' }, 'Connecting…');
  const notices = h('div', { class: 'read-notices' });
  const topicsHost = h('div', { class: 'read-topics', 'data-testid': 'read-topics' }, h('p', { class: 'muted loading' }, 'Loading the notes…'));
  const header = h(
    'header',
    { class: 'read-header' },
    h('p', { class: 'crumb' }, h('a', { href: '/' }, 'All sessions'), ' · ', h('a', { href: `/s/${encodeURIComponent(sessionId)}/present` }, 'Projector view')),
    h('h1', { 'data-anchor': '' }, title),
    h('p', { class: 'read-mode' }, 'Read-only view: the notes as they are being written.'),
    status,
  );
  showPage(`${title} (read)`, h('div', { class: 'read-page' }, header, notices, topicsHost));
  document.documentElement.classList.add('read-views');

  const topics = new LiveTopics(connection.doc, state, {
    level: 2,
    topics: session?.topics ?? [],
    onFrame: (changes) => keepScrollPosition(topicsHost, () => applyFrame(topics, topicsHost, changes)),
  });
  let stopped = false;
  const update = (): void => {
    const now = connection.state;
    const reason = stopReason(now);
    if (reason && !stopped) {
      stopped = true;
      notices.replaceChildren(linkNotice(reason));
      status.textContent = 'Not live any more';
      connection.destroy();
      state.destroy();
      return;
    }
    if (!stopped) status.textContent = now.kind === 'saved' ? 'Live' : stateLabel(now, true);
  };
  connection.onChange(update);
  connection.provider.on('sync', (synced: boolean) => {
    if (synced) topics.markAll();
  });
  update();
}

function applyFrame(topics: LiveTopics, host: HTMLElement, changes: FrameChanges): void {
  if (changes.structure) {
    const ids = topics.ids();
    topics.refreshAll();
    const elements = ids.map((id) => topics.view(id)?.element).filter((element): element is HTMLElement => Boolean(element));
    // Moves only what moved: elements already in place keep their identity (and the reader's place).
    elements.forEach((element, index) => {
      if (host.children[index] !== element) host.insertBefore(element, host.children[index] ?? null);
    });
    while (host.children.length > elements.length) host.lastElementChild!.remove();
    if (elements.length === 0) host.replaceChildren(h('p', { class: 'muted' }, 'This session has no topics yet.'));
    return;
  }
  for (const id of changes.topics) topics.refresh(id);
  if (changes.state) topics.refreshAll();
}
