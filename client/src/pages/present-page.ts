/**
 * `/s/:sessionId/present`: the projector. One topic in large type with its rendered notes and
 * action items, no page chrome, a dark or light theme (`?theme=dark|light`, button or key T), and
 * a QR code of the room's join link (the session URL, never a token) in a corner. It follows "now
 * discussing" from the state doc (within a frame of the change arriving); `?topic=<id>` pins a
 * topic; ←/→ (and PageUp/PageDown, as presenter remotes send) step through topics, F follows
 * again. Read-only like /read: a plain synced doc that never sends a change.
 */
import { h, showPage } from '../dom.ts';
import { LiveTopics, type FrameChanges } from '../read/live-topics.ts';
import { readAccess } from '../read/read-access.ts';
import { ReadConnection } from '../read/read-connection.ts';
import { ReadOnlyWebSocket } from '../read/read-only-socket.ts';
import { keepScrollPosition } from '../read/scroll-anchor.ts';
import { TopicPointer } from '../present/topic-pointer.ts';
import { StateConnection } from '../session/state-connection.ts';
import { linkNotice, stopReason } from '../views/link-notice.ts';
import { qrCodeElement } from '../views/qr-code.ts';
import { themeToggle } from '../views/theme-toggle.ts';
import '../views/read-views.css';

/** The join link shown as a QR code: the session page, without any token. */
export function joinLink(sessionId: string): string {
  return `${location.origin}/s/${encodeURIComponent(sessionId)}`;
}

export async function presentPage(sessionId: string): Promise<void> {
  showPage('Loading…', h('p', { class: 'muted loading' }, 'Loading the session…'));
  const access = await readAccess(sessionId);
  if (access.kind !== 'ok') {
    showPage(access.kind === 'refused' ? 'Link not valid' : 'Unknown session', h('div', { class: 'empty card' }, linkNotice(access.kind === 'refused' ? 'forbidden' : 'not-found')));
    return;
  }
  const { token, session } = access;
  const title = session?.title ?? sessionId;
  const connection = new ReadConnection(sessionId, token);
  const state = new StateConnection(sessionId, token, ReadOnlyWebSocket);
  const pointer = new TopicPointer(new URLSearchParams(location.search).get('topic'));

  const topicHost = h('div', { class: 'present-topic', 'data-testid': 'present-topic' }, h('p', { class: 'muted loading' }, 'Loading the notes…'));
  const where = h('p', { class: 'present-where', 'aria-live': 'polite' });
  const notices = h('div', { class: 'present-notices' });
  const theme = themeToggle();
  const join = joinLink(sessionId);
  const qr = h('aside', { class: 'present-qr', 'aria-label': 'Join the notes' }, qrCodeElement(join, `QR code of the join link ${join}`), h('p', {}, join.replace(/^https?:\/\//, '')));
  const bar = h('div', { class: 'present-bar' }, h('p', { class: 'present-session' }, title), where, theme.button);
  showPage(`${title} (projector)`, h('div', { class: 'present-page' }, notices, bar, topicHost, qr));
  document.documentElement.classList.add('read-views', 'present-mode');

  let shown: string | null = null;
  const topics = new LiveTopics(connection.doc, state, {
    level: 1,
    topics: session?.topics ?? [],
    onFrame: (changes) => show(changes),
  });
  const show = (changes: FrameChanges | null): void => {
    const ids = topics.ids();
    const next = pointer.choose(ids, state.discussion.current);
    if (next !== shown) {
      shown = next;
      const view = next === null ? undefined : topics.view(next);
      topicHost.replaceChildren(view ? view.element : h('p', { class: 'muted' }, 'This session has no topics yet.'));
      if (view) topics.refresh(next!);
      window.scrollTo(0, 0);
    } else if (shown !== null && changes && (changes.structure || changes.state || changes.topics.has(shown))) {
      keepScrollPosition(topicHost, () => topics.refresh(shown!));
    }
    const position = shown === null ? '' : `Topic ${ids.indexOf(shown) + 1} of ${ids.length}`;
    const mode = pointer.mode === 'following' ? (state.discussion.current === shown ? ' · now discussing' : '') : pointer.mode === 'pinned' ? ' · pinned' : ' · chosen here (F follows again)';
    where.textContent = position + mode;
    topicHost.dataset['shownTopic'] = shown ?? '';
    topicHost.dataset['discussing'] = state.discussion.current ?? '';
  };
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || (event.target instanceof HTMLElement && event.target.closest('input, textarea, select'))) return;
    const step = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 }[event.key];
    if (step !== undefined) pointer.step(topics.ids(), shown, step);
    else if (event.key === 'f' || event.key === 'F') pointer.follow();
    else if (event.key === 't' || event.key === 'T') return theme.toggle();
    else return;
    event.preventDefault();
    show(null);
  });

  let stopped = false;
  connection.onChange(() => {
    const reason = stopReason(connection.state);
    if (!reason || stopped) return;
    stopped = true;
    notices.replaceChildren(linkNotice(reason));
    connection.destroy();
    state.destroy();
  });
  connection.provider.on('sync', (synced: boolean) => {
    if (synced) topics.markAll();
  });
}
