/// <reference types="vite/client" />
/**
 * Entry point: the routes `/`, `/admin`, `/s/:id`, `/s/:id/read`, `/s/:id/present`, `/s/:id/history`,
 * `/e/:eventId/followups`, `/followups/person/:name`
 * (registered on the server in client-routes.ts) and the offline app shell.
 */
import './styles.css';
import { isValidId } from '../../shared/ids.ts';
import { h, showPage } from './dom.ts';
import { adminPage } from './pages/admin-page.ts';
import { boardPage } from './pages/board-page.ts';
import { eventPage } from './pages/event-page.ts';
import { historyPage } from './pages/history-page.ts';
import { personPage } from './pages/person-page.ts';
import { presentPage } from './pages/present-page.ts';
import { readPage } from './pages/read-page.ts';
import { sessionPage } from './pages/session-page.ts';
import { highlightSearchHit } from './search/search-highlight.ts';
import { mountSearchBox } from './views/search-box.ts';

function route(): Promise<void> | void {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return eventPage();
  if (path === '/admin') return adminPage();
  const board = /^\/e\/([^/]+)\/followups$/.exec(path);
  const eventId = board ? decodeURIComponent(board[1]!) : '';
  if (board && isValidId(eventId)) return boardPage(eventId);
  const person = /^\/followups\/person\/([^/]+)$/.exec(path);
  if (person) return personPage(decodeURIComponent(person[1]!));
  const historyMatch = /^\/s\/([^/]+)\/history$/.exec(path);
  const historyId = historyMatch ? decodeURIComponent(historyMatch[1]!) : '';
  if (historyMatch && isValidId(historyId)) return historyPage(historyId);
  const match = /^\/s\/([^/]+)(\/read|\/present)?$/.exec(path);
  const sessionId = match ? decodeURIComponent(match[1]!) : '';
  if (match && isValidId(sessionId)) {
    if (match[2] === '/read') return readPage(sessionId);
    if (match[2] === '/present') return presentPage(sessionId);
    return sessionPage(sessionId, new URLSearchParams(location.search).get('view') === 'read');
  }
  showPage('Not found', h('div', { class: 'empty card' }, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '/' }, 'All sessions'))));
}

// The service worker keeps the page itself available offline, so a reload without a network
// still opens the session (its notes come from IndexedDB). Only in secure contexts (https, localhost),
// and not under `npm run dev:client` (import.meta.hot exists only there), where it would only get
// in the way of hot reload. (Not import.meta.env.PROD: that is false in a build made under vitest.)
if (!import.meta.hot && 'serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn('service worker not registered', error));
}

// Search (issue #17): a box above every page but the projector (no chrome there); a result opened
// at a topic highlights its match.
if (!/\/present\/?$/.test(location.pathname)) mountSearchBox();
highlightSearchHit();

void Promise.resolve(route()).catch((error: unknown) => {
  console.error(error);
  showPage('Error', h('div', { class: 'empty card' }, h('h1', {}, 'Something went wrong'), h('p', {}, String(error))));
});
