/**
 * `/admin`: the organiser console (issue 15). Sign in with the admin token, then events (create,
 * edit, open/close), their sessions with people online, session and topic edits, links with QR
 * codes, and the import with a preview. Async results are announced in one live region.
 */
import type { ApiEvent } from '../../../shared/api.ts';
import { adminApi } from '../admin/admin-api.ts';
import { adminToken, checkAdminToken, forgetAdminToken } from '../admin/admin-token.ts';
import { h, showPage } from '../dom.ts';
import { eventBlock, newEventForm } from '../views/admin/event-block.ts';
import { importPanel } from '../views/admin/import-panel.ts';
import { signInForm } from '../views/admin/sign-in.ts';

export async function adminPage(): Promise<void> {
  const token = adminToken();
  if (token && (await checkAdminToken(token)) !== 'wrong') return showConsole(token);
  forgetAdminToken();
  showSignIn();
}

function showSignIn(): void {
  showPage('Organiser console', signInForm((token) => void showConsole(token)));
  document.getElementById('admin-token')?.focus();
}

async function showConsole(token: string): Promise<void> {
  const api = adminApi(token);
  const live = h('p', { class: 'console-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'console-status' });
  const announce = (text: string): void => {
    live.textContent = text;
  };
  const signOut = h('button', { type: 'button', class: 'secondary', 'data-testid': 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    forgetAdminToken();
    showSignIn();
  });
  const eventsHost = h('div', { class: 'events', 'data-testid': 'admin-events' }, h('p', { class: 'muted loading' }, 'Loading events…'));
  const importHost = h('div', {});
  const refresh = async (): Promise<void> => {
    const list = await api.events();
    if (!list.ok) return announce(`Could not load the events: ${list.message}`);
    const events = (await Promise.all(list.value.events.map((e) => api.event(e.id)))).flatMap((a) => (a.ok ? [a.value as ApiEvent] : []));
    const open = new Set(Array.from(eventsHost.querySelectorAll<HTMLDetailsElement>('li[data-session-id] details[open]'), (d) => d.closest('li')?.dataset['sessionId']));
    eventsHost.replaceChildren(...(events.length ? events.map((e) => eventBlock(e, { api, announce, refresh })) : [h('p', { class: 'muted' }, 'No events yet: create one, or import a schedule (the import creates its event).')]));
    // Keep "Manage" panels open across a refresh (they reload their contents).
    for (const id of open) eventsHost.querySelector<HTMLDetailsElement>(`li[data-session-id="${id}"] details.manage`)?.setAttribute('open', '');
    if (!importHost.firstChild) importHost.append(importPanel(api, events.map((e) => e.id), refresh));
  };
  showPage(
    'Organiser console',
    h('header', { class: 'site-header console-header' }, h('h1', {}, 'Organiser console'), h('p', {}, h('a', { href: '/' }, 'All sessions'), ' ', signOut)),
    live,
    newEventForm(api, announce, refresh),
    eventsHost,
    importHost,
  );
  await refresh();
}
