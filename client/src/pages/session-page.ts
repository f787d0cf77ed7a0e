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
import { layoutMap, topicSections } from '../../../shared/doc-schema.ts';
import type { AccessResponse } from '../../../shared/api.ts';
import { apiCall, getJson, type ApiSession } from '../api.ts';
import { adoptTokenFromUrl, sessionToken } from '../auth/session-token.ts';
import { adminToken } from '../admin/admin-token.ts';
import { shareButton } from '../views/share-dialog.ts';
import { h, showPage } from '../dom.ts';
import { StateConnection } from '../session/state-connection.ts';
import { refusedLink } from '../views/refused-link.ts';
import { storedName, userFor } from '../identity.ts';
import { SessionConnection } from '../session/session-connection.ts';
import { discussionControls, type DiscussionControls } from '../views/discussion-controls.ts';
import { promptForName } from '../views/name-prompt.ts';
import { presenceList } from '../views/presence-list.ts';
import type { SectionViewOptions } from '../views/section-view.ts';
import { sessionHeader } from '../views/session-header.ts';
import { SessionSections } from '../views/session-sections.ts';
import { statusBar, type StatusBar } from '../views/status-bar.ts';
import { topicNav } from '../views/topic-nav.ts';
import { carryOverApi } from '../carry-over/carry-over-api.ts';
import { carryOverPanel } from '../views/carry-over-panel.ts';

/** What the page learnt from the metadata API before opening the doc. */
interface SessionAccess {
  token: string | undefined;
  base: string;
  session: ApiSession | null;
  title: string;
  role: Role | null;
  readOnly: boolean;
  isLead: boolean;
}

export async function sessionPage(sessionId: string, readOnlyRoute: boolean): Promise<void> {
  showPage('Loading…', h('p', { class: 'muted loading' }, 'Loading the session…'));
  const access = await loadAccess(sessionId, readOnlyRoute);
  if (!access) return;
  const { token, base, session, title, role, readOnly } = access;

  let name = storedName();
  if (!readOnly && !name) name = await promptForName(title, `/s/${sessionId}/read`);
  const connection = await SessionConnection.open(sessionId, readOnly ? null : userFor(name!), token);
  const state = new StateConnection(sessionId, token);
  const userName = (): string => storedName() ?? name ?? 'someone';

  const status = statusBar(readOnly);
  const sectionsHost = h('div', { class: 'sections' }, h('p', { class: 'muted loading' }, 'Loading the notes…'));
  const nav = topicNav();
  const controls = discussionControls();
  const toolbar = h('div', { class: 'toolbar' }, status.element, controls.nowLink, controls.toggles, nav.toTopics, leadShare(sessionId, access));
  const layout = h('div', { class: 'layout' + (readOnly ? ' read-only' : '') }, h('aside', { class: 'side' }, presenceList(connection.awareness), nav.element), sectionsHost);
  // Issue #17: only a session that follows on from another gets "Open from last time".
  const carryPanel = session?.previous ? carryOverPanel(carryOverApi(sessionId, token, userName), access.isLead && !readOnly) : null;
  showPage(readOnly ? `${title} (read-only)` : title, sessionHeader({ sessionId, session, title, role, readOnly, base, connection }), carryPanel, toolbar, layout);
  nav.fitToViewport();

  const sections = new SessionSections(sectionsHost, nav, connection, state, {
    readOnly,
    topics: session?.topics ?? [],
    userName,
    lead: leadControls(access, userName),
    colouredByAuthor: () => controls.byAuthor.checked,
  });
  followDiscussion(state, sections, controls);
  watchConnection(sessionId, token, connection, sections, status);
  guardUnsavedChanges(connection);
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

/** Reads the session and the link's role; null when the page already shows why it cannot open. */
async function loadAccess(sessionId: string, readOnlyRoute: boolean): Promise<SessionAccess | null> {
  adoptTokenFromUrl(sessionId);
  const token = sessionToken(sessionId);
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const [meta, access] = await Promise.all([getJson<ApiSession>(base, token), apiCall<AccessResponse>('GET', `${base}/access`, { token })]);
  if (meta.kind === 'not-found') {
    unknownSession(sessionId);
    return null;
  }
  if (!access.ok && access.status === 403) {
    refusedLink(sessionId);
    return null;
  }
  const session = meta.kind === 'ok' ? meta.value : null;
  // Offline: no answer; assume what the route asks for (the server enforces the real role).
  const role: Role | null = access.ok ? access.value.role : null;
  // An archived session (issue #15) is read-only for everyone; the server refuses its edits anyway.
  const readOnly = readOnlyRoute || role === 'viewer' || session?.archived === true;
  return { token, base, session, title: session?.title ?? sessionId, role, readOnly, isLead: role !== null && can(role, 'assign') };
}

/** A lead's assignment and "now discussing" calls; none for everyone else or in read-only mode. */
function leadControls({ isLead, readOnly, base, token }: SessionAccess, userName: () => string): SectionViewOptions['lead'] {
  if (!isLead || readOnly) return undefined;
  return {
    assign: (itemId: string, patch: object) => apiCall('PATCH', `${base}/action-items/${encodeURIComponent(itemId)}`, { token, body: { ...patch, by: userName() } }),
    discuss: (topicId: string | null) => apiCall('PUT', `${base}/discussion`, { token, body: { topicId } }),
    agree: (decisionId: string, agreed: boolean) => apiCall('PATCH', `${base}/decisions/${encodeURIComponent(decisionId)}`, { token, body: { agreed, by: userName() } }),
  };
}

/** The Share dialog's button for a lead link or an admin signed in on /admin in this tab; null otherwise. */
function leadShare(sessionId: string, { isLead, role, token, session }: SessionAccess): HTMLButtonElement | null {
  const admin = adminToken();
  const managerToken = isLead ? token : admin;
  if (!isLead && !admin) return null;
  return shareButton({ sessionId, eventId: session?.eventId, topics: session?.topics ?? [], token: managerToken, isAdmin: role === 'admin' || (!isLead && admin !== undefined) });
}

/** The state doc: follow-ups, "now discussing" (highlight, the Now link, Follow) and authors. */
function followDiscussion(state: StateConnection, sections: SessionSections, controls: DiscussionControls): void {
  const { follow, byAuthor } = controls;
  let shownCurrent: string | null = null;
  state.onChange(() => {
    sections.showState();
    const { current } = state.discussion;
    const view = sections.find(current);
    controls.showNow(view, current);
    if (current !== shownCurrent) {
      shownCurrent = current;
      if (follow.checked && view) view.element.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
    if (byAuthor.checked) sections.colourByAuthor(true);
  });
  follow.addEventListener('change', () => {
    if (follow.checked) sections.find(state.discussion.current)?.element.scrollIntoView({ block: 'start', behavior: 'smooth' });
  });
  byAuthor.addEventListener('change', () => {
    document.body.classList.toggle('by-author', byAuthor.checked);
    sections.colourByAuthor(byAuthor.checked);
  });
}

/**
 * Re-renders the sections when the list of sections, or a section's own keys (a repair replacing
 * its notes), changed, or when readiness did; edits inside notes and action items do not re-render.
 * A session that is gone or a link that was revoked replaces the page.
 */
function watchConnection(sessionId: string, token: string | undefined, connection: SessionConnection, sections: SessionSections, status: StatusBar): void {
  const topics = topicSections(connection.doc);
  topics.observeDeep((events) => {
    if (events.some((event) => event.target === topics || event.target.parent === topics)) sections.render();
  });
  // The topic order (issue #15): the server writes it into the layout root; a doc whose layout is
  // another type has no order to follow.
  try {
    layoutMap(connection.doc).observe(() => sections.render());
  } catch {
    // Nothing to observe.
  }
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
      sections.render();
    }
  };
  connection.onChange(update);
  update();
}

/** Asks before leaving while edits are not yet stored by the server. */
function guardUnsavedChanges(connection: SessionConnection): void {
  window.addEventListener('beforeunload', (event) => {
    if (connection.tracker.unsaved > 0) {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    }
  });
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
