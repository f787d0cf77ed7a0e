/**
 * `/s/:sessionId` (edit) and `/s/:sessionId/read` (read-only): the session's topics in doc order,
 * each with a live notes editor and action items, plus presence, jump-to-topic navigation and the
 * connection state. Sections are rendered only from the synced (or locally stored) doc, so the
 * client never creates template structure. The page's role (`/access`, from the session link kept
 * on this device) picks the mode: viewers read, participants edit, leads also assign and set
 * "now discussing". Follow-up fields, the discussion pointer and authors come from the read-only
 * state doc.
 */
import type { Role } from '../../../shared/roles.ts';
import { can } from '../../../shared/roles.ts';
import { slotsByTopic } from '../../../shared/discussion.ts';
import { readableSections, topicSections, SectionKey, type SectionMap } from '../../../shared/doc-schema.ts';
import type { AccessResponse } from '../../../shared/api.ts';
import { apiCall, getJson, type ApiSession } from '../api.ts';
import { adoptTokenFromUrl, sessionToken } from '../auth/session-token.ts';
import { h, showPage } from '../dom.ts';
import { StateConnection } from '../session/state-connection.ts';
import { downloadLinks } from '../views/download-links.ts';
import { refusedLink } from '../views/refused-link.ts';
import { roleBadge } from '../views/role-badge.ts';
import { rememberName, storedName, userFor } from '../identity.ts';
import { SessionConnection } from '../session/session-connection.ts';
import { promptForName } from '../views/name-prompt.ts';
import { presenceList } from '../views/presence-list.ts';
import { renderableParts, SectionView, sectionTitle, topicAnchor } from '../views/section-view.ts';
import { statusBar } from '../views/status-bar.ts';

export async function sessionPage(sessionId: string, readOnlyRoute: boolean): Promise<void> {
  showPage('Loading…', h('p', { class: 'muted loading' }, 'Loading the session…'));
  adoptTokenFromUrl(sessionId);
  const token = sessionToken(sessionId);
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const [meta, access] = await Promise.all([getJson<ApiSession>(base, token), apiCall<AccessResponse>('GET', `${base}/access`, { token })]);
  if (meta.kind === 'not-found') return unknownSession(sessionId);
  if (!access.ok && access.status === 403) return refusedLink(sessionId);
  const session = meta.kind === 'ok' ? meta.value : null;
  const title = session?.title ?? sessionId;
  // Offline: no answer; assume what the route asks for (the server enforces the real role).
  const role: Role | null = access.ok ? access.value.role : null;
  const readOnly = readOnlyRoute || role === 'viewer';
  const isLead = role !== null && can(role, 'assign');

  let name = storedName();
  if (!readOnly && !name) name = await promptForName(title, `/s/${sessionId}/read`);
  const connection = await SessionConnection.open(sessionId, readOnly ? null : userFor(name!), token);
  const state = new StateConnection(sessionId, token);
  const userName = (): string => storedName() ?? name ?? 'someone';
  const leadControls = isLead && !readOnly
    ? {
        assign: (itemId: string, patch: object) => apiCall('PATCH', `${base}/action-items/${encodeURIComponent(itemId)}`, { token, body: { ...patch, by: userName() } }),
        discuss: (topicId: string | null) => apiCall('PUT', `${base}/discussion`, { token, body: { topicId } }),
      }
    : undefined;

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
    ? h('p', { class: 'mode read-only-banner' }, 'Read-only view — notes update live. ', role === 'viewer' ? null : h('a', { href: `/s/${sessionId}` }, 'Take notes'))
    : h('p', { class: 'mode' }, h('a', { href: `/s/${sessionId}/read` }, 'Read-only link'), ' to share with people who only watch · ', renameButton(connection));
  const eventId = session?.eventId;
  const links = h(
    'p',
    { class: 'session-links' },
    eventId ? h('a', { href: `/e/${eventId}/followups`, 'data-testid': 'board-link' }, 'Follow-ups board') : null,
    eventId ? ' · ' : null,
    h('a', { href: `/s/${sessionId}/history`, 'data-testid': 'history-link' }, 'History & versions'),
    ' · ',
    downloadLinks(`${base}/export`, 'Download notes'),
  );
  const header = h(
    'header',
    { class: 'session-header' },
    h('a', { class: 'crumb', href: '/' }, '← All sessions'),
    h('h1', {}, title, role ? roleBadge(role) : null),
    session?.description ? h('p', { class: 'description muted' }, firstParagraph(session.description)) : null,
    modeLink,
    links,
  );
  const nowLink = h('a', { class: 'now-link', 'data-testid': 'now-discussing', href: '#', hidden: true });
  const follow = h('input', { type: 'checkbox', id: 'follow-toggle', class: 'view-toggle', 'data-testid': 'follow' });
  const byAuthor = h('input', { type: 'checkbox', id: 'author-toggle', class: 'view-toggle', 'data-testid': 'colour-by-author' });
  const toggles = h(
    'div',
    { class: 'toggles' },
    h('label', { for: 'follow-toggle', title: 'Scroll to the topic being discussed whenever it changes' }, follow, ' Follow'),
    h('label', { for: 'author-toggle' }, byAuthor, ' Colour by author'),
  );
  const toolbar = h('div', { class: 'toolbar' }, status.element, nowLink, toggles, toTopics);
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
    // Entries that do not fit the doc schema are skipped, never a reason to crash the page.
    const sections = readableSections(connection.doc).filter((section) => renderableParts(section) !== undefined);
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
      const parts = renderableParts(section)!;
      let view = views.get(section);
      if (view && (view.parts.notes !== parts.notes || view.parts.actions !== parts.actions)) {
        view.destroy();
        view = undefined;
      }
      if (!view) {
        view = new SectionView(section, parts, {
          readOnly,
          number: index + 1,
          topic: session?.topics.find((t) => t.id === topicId),
          awareness: connection.awareness,
          userName,
          followup: (itemId) => state.followups.get(itemId),
          lead: leadControls,
        });
        views.set(section, view);
        showStateIn(view);
        if (byAuthor.checked) view.colourByAuthor(() => state.authors);
      }
      children.push(view.element);
      links.push(h('li', {}, h('a', { href: `#${topicAnchor(topicId)}` }, sectionTitle(section))));
    });
    // Only touch the DOM when the order changed: moving a focused editor would blur it.
    const current = Array.from(sectionsHost.children);
    if (current.length !== children.length || current.some((child, i) => child !== children[i])) sectionsHost.replaceChildren(...children);
    navList.replaceChildren(...links);
  };

  // The state doc: follow-ups, "now discussing" (highlight, follow), authors.
  let shownCurrent: string | null = null;
  const showStateIn = (view: SectionView): void => {
    const discussion = state.discussion;
    view.showState(discussion.current, slotsByTopic(discussion).get(view.topicId) ?? []);
  };
  const onState = (): void => {
    for (const view of views.values()) showStateIn(view);
    const { current } = state.discussion;
    const view = [...views.values()].find((v) => v.topicId === current);
    nowLink.hidden = !view;
    if (view) {
      nowLink.textContent = `Now: ${view.element.querySelector('h2')?.textContent ?? current}`;
      nowLink.setAttribute('href', `#${topicAnchor(view.topicId)}`);
    }
    if (current !== shownCurrent) {
      shownCurrent = current;
      if (follow.checked && view) view.element.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
    if (byAuthor.checked) for (const v of views.values()) v.colourByAuthor(() => state.authors);
  };
  state.onChange(onState);
  follow.addEventListener('change', () => {
    if (follow.checked) [...views.values()].find((v) => v.topicId === state.discussion.current)?.element.scrollIntoView({ block: 'start', behavior: 'smooth' });
  });
  byAuthor.addEventListener('change', () => {
    document.body.classList.toggle('by-author', byAuthor.checked);
    for (const view of views.values()) view.colourByAuthor(byAuthor.checked ? () => state.authors : null);
  });

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

  // The list of sections, or a section's own keys (a repair replacing its notes), changed; edits
  // inside notes and action items do not re-render.
  const topics = topicSections(connection.doc);
  topics.observeDeep((events) => {
    if (events.some((event) => event.target === topics || event.target.parent === topics)) renderSections();
  });
  // Sections are rendered when the structure changes or readiness does, not on every keystroke.
  let rendered = '';
  const update = (): void => {
    const now = connection.state;
    status.show(now);
    if (now.kind === 'not-found') {
      connection.destroy();
      unknownSession(sessionId);
      return;
    }
    if (now.kind === 'forbidden' && token) {
      connection.destroy();
      refusedLink(sessionId);
      return;
    }
    const key = `${connection.ready}/${connection.provider.synced}/${now.kind === 'offline'}`;
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
