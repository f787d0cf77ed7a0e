/**
 * `/s/:sessionId` (edit) and `/s/:sessionId/read` (read-only): the session's topics in doc order,
 * each with a live notes editor and action items, plus presence, jump-to-topic navigation and the
 * connection state. Sections are rendered only from the synced (or locally stored) doc, so the
 * client never creates template structure.
 */
import { topicSections, SectionKey, type SectionMap } from '../../../shared/doc-schema.ts';
import { getJson, type ApiSession } from '../api.ts';
import { h, showPage } from '../dom.ts';
import { rememberName, storedName, userFor } from '../identity.ts';
import { SessionConnection } from '../session/session-connection.ts';
import { promptForName } from '../views/name-prompt.ts';
import { presenceList } from '../views/presence-list.ts';
import { SectionView, sectionTitle, topicAnchor } from '../views/section-view.ts';
import { statusBar } from '../views/status-bar.ts';

export async function sessionPage(sessionId: string, readOnly: boolean): Promise<void> {
  showPage('Loading…', h('p', { class: 'muted loading' }, 'Loading the session…'));
  const meta = await getJson<ApiSession>(`/api/sessions/${encodeURIComponent(sessionId)}`);
  if (meta.kind === 'not-found') return unknownSession(sessionId);
  const session = meta.kind === 'ok' ? meta.value : null;
  const title = session?.title ?? sessionId;

  let name = storedName();
  if (!readOnly && !name) name = await promptForName(title, `/s/${sessionId}/read`);
  const connection = await SessionConnection.open(sessionId, readOnly ? null : userFor(name!));
  const userName = (): string => storedName() ?? name ?? 'someone';

  const status = statusBar(readOnly);
  const sectionsHost = h('div', { class: 'sections' }, h('p', { class: 'muted loading' }, 'Loading the notes…'));
  const navList = h('ol', { class: 'jump-list' });
  const navDetails = h('details', { class: 'jump-details' }, h('summary', {}, 'Jump to topic'), navList);
  const nav = h('nav', { class: 'jump', id: 'topics-nav', 'aria-label': 'Jump to topic' }, navDetails);
  // On a phone the topic list is at the top of the page: the sticky bar links back to it.
  const toTopics = h('a', { class: 'toolbar-jump', href: '#topics-nav' }, 'Topics');
  toTopics.addEventListener('click', (event) => {
    event.preventDefault();
    navDetails.open = true;
    nav.scrollIntoView({ block: 'start' });
    (navDetails.querySelector('summary') as HTMLElement).focus({ preventScroll: true });
  });
  const modeLink = readOnly
    ? h('p', { class: 'mode read-only-banner' }, 'Read-only view — notes update live. ', h('a', { href: `/s/${sessionId}` }, 'Take notes'))
    : h('p', { class: 'mode' }, h('a', { href: `/s/${sessionId}/read` }, 'Read-only link'), ' to share with people who only watch · ', renameButton(connection));
  const header = h(
    'header',
    { class: 'session-header' },
    h('a', { class: 'crumb', href: '/' }, '← All sessions'),
    h('h1', {}, title),
    session?.description ? h('p', { class: 'description muted' }, firstParagraph(session.description)) : null,
    modeLink,
  );
  const toolbar = h('div', { class: 'toolbar' }, status.element, toTopics);
  showPage(readOnly ? `${title} (read-only)` : title, header, toolbar, h('div', { class: 'layout' + (readOnly ? ' read-only' : '') }, h('aside', { class: 'side' }, presenceList(connection.awareness), nav), sectionsHost));
  const wide = matchMedia('(min-width: 60rem)');
  navDetails.open = wide.matches;

  const views = new Map<SectionMap, SectionView>();
  const renderSections = (): void => {
    if (!connection.ready) {
      if (connection.state.kind === 'offline') {
        sectionsHost.replaceChildren(
          h('div', { class: 'empty card' }, h('h2', {}, 'Offline'), h('p', {}, 'This session has not been opened on this device before, so there is no local copy yet. The notes appear as soon as the connection returns.')),
        );
      }
      return;
    }
    const sections = topicSections(connection.doc).toArray();
    if (sections.length === 0) {
      if (connection.provider.synced) {
        sectionsHost.replaceChildren(h('div', { class: 'empty card' }, h('h2', {}, 'No topics yet'), h('p', {}, 'This session has no topics. Topics appear here as soon as an organiser imports them.')));
      }
      navList.replaceChildren();
      return;
    }
    const children: HTMLElement[] = [];
    const links: HTMLElement[] = [];
    sections.forEach((section, index) => {
      const topicId = String(section.get(SectionKey.id) ?? '');
      let view = views.get(section);
      if (!view) {
        view = new SectionView(section, { readOnly, number: index + 1, topic: session?.topics.find((t) => t.id === topicId), awareness: connection.awareness, userName });
        views.set(section, view);
      }
      children.push(view.element);
      links.push(h('li', {}, h('a', { href: `#${topicAnchor(topicId)}` }, sectionTitle(section))));
    });
    // Only touch the DOM when the order changed: moving a focused editor would blur it.
    const current = Array.from(sectionsHost.children);
    if (current.length !== children.length || current.some((child, i) => child !== children[i])) sectionsHost.replaceChildren(...children);
    navList.replaceChildren(...links);
  };

  navList.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest('a');
    if (!link) return;
    const target = document.getElementById(link.getAttribute('href')!.slice(1));
    if (!target) return;
    event.preventDefault();
    history.replaceState(null, '', link.getAttribute('href'));
    target.scrollIntoView({ block: 'start' });
    // Put the keyboard in the topic's notes, or on the section in read-only mode.
    const editor = target.querySelector<HTMLElement>('.cm-content[contenteditable="true"]');
    (editor ?? target).focus({ preventScroll: true });
    if (!wide.matches) navDetails.open = false;
  });

  topicSections(connection.doc).observe(renderSections);
  // Sections are rendered when the structure changes or readiness does, not on every keystroke.
  let rendered = '';
  const update = (): void => {
    const state = connection.state;
    status.show(state);
    if (state.kind === 'not-found') {
      connection.destroy();
      unknownSession(sessionId);
      return;
    }
    const key = `${connection.ready}/${connection.provider.synced}/${state.kind === 'offline'}`;
    if (key !== rendered) {
      rendered = key;
      renderSections();
    }
  };
  connection.onChange(update);
  update();

  window.addEventListener('beforeunload', (event) => {
    if (connection.tracker.unsaved > 0) {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    }
  });
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

/** Lets the note-taker change the name others see (kept on this device, sent via awareness). */
function renameButton(connection: SessionConnection): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link-button' }, 'Change my name');
  button.addEventListener('click', () => {
    const name = window.prompt('Your name, as others see it', storedName() ?? '')?.trim();
    if (!name) return;
    rememberName(name);
    connection.awareness.setLocalStateField('user', userFor(name));
  });
  return button;
}

function firstParagraph(text: string): string {
  const para = text.split(/\n\s*\n/)[0] ?? '';
  return para.length > 400 ? `${para.slice(0, 400)}…` : para;
}

function unknownSession(sessionId: string): void {
  showPage(
    'Unknown session',
    h(
      'div',
      { class: 'empty card', 'data-testid': 'unknown-session' },
      h('h1', {}, 'Unknown session'),
      h('p', {}, `There is no session “${sessionId}” on this server. Check the link, or pick a session from the list.`),
      h('p', {}, h('a', { href: '/' }, 'All sessions')),
    ),
  );
}
