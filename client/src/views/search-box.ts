/**
 * The search box in the header of every page (issue #17): `/` focuses it (unless typing in a
 * field or the notes editor), Enter searches, results are grouped by event and session and
 * announced to screen readers, Escape closes them.
 */
import { h } from '../dom.ts';
import { groupResults, hitHref, runSearch, snippetParts, type SearchHit } from '../search/search-results.ts';

const KIND_WORDS: Record<SearchHit['kind'], string> = { notes: 'Notes', action: 'Action item', decision: 'Decision', session: 'Session' };

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('.cm-editor') !== null;
}

function hitItem(hit: SearchHit, q: string): HTMLElement {
  const snippet = h('span', { class: 'search-snippet' });
  for (const part of snippetParts(hit.snippet)) snippet.append(part.mark ? h('mark', {}, part.text) : part.text);
  const where = hit.topicTitle ?? (hit.kind === 'session' ? 'Session' : '');
  return h('li', {}, h('a', { href: hitHref(hit, q) }, h('span', { class: 'search-where' }, `${KIND_WORDS[hit.kind]}${where && hit.kind !== 'session' ? ` · ${where}` : ''}`, hit.status ? ` (${hit.status})` : ''), ' ', snippet));
}

function renderGroups(hits: readonly SearchHit[], q: string): HTMLElement {
  const list = h('div', { class: 'search-groups' });
  for (const event of groupResults(hits)) {
    const block = h('section', { class: 'search-event' }, h('h2', {}, event.eventTitle));
    for (const session of event.sessions) {
      block.append(
        h('h3', {}, session.sessionTitle, session.archived ? h('span', { class: 'muted' }, ' (archived)') : null),
        h('ul', { class: 'search-hits' }, ...session.hits.map((hit) => hitItem(hit, q))),
      );
    }
    list.append(block);
  }
  return list;
}

/** Mounts the search bar before the page's main region, once. */
export function mountSearchBox(): void {
  if (document.getElementById('site-search')) return;
  const input = h('input', { type: 'search', id: 'site-search-q', name: 'q', autocomplete: 'off', placeholder: 'Search all sessions (press /)', 'aria-keyshortcuts': '/' });
  const status = h('p', { class: 'muted search-status', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { class: 'search-results', hidden: true });
  const close = (): void => {
    results.hidden = true;
    results.replaceChildren();
    status.textContent = '';
  };
  const form = h(
    'form',
    { class: 'search-form', role: 'search', 'aria-label': 'Search all sessions' },
    h('label', { for: 'site-search-q', class: 'visually-hidden' }, 'Search notes, action items, decisions and sessions'),
    input,
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) return close();
    status.textContent = 'Searching…';
    void runSearch(q).then((answer) => {
      if (input.value.trim() !== q) return;
      if (!answer.ok) {
        status.textContent = `Search failed: ${answer.message}`;
        return;
      }
      const hits = answer.value.results;
      status.textContent = hits.length === 0 ? `No results for “${q}”.` : `${hits.length}${answer.value.nextCursor ? '+' : ''} results for “${q}”.`;
      results.replaceChildren(renderGroups(hits, q));
      results.hidden = hits.length === 0;
    });
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    event.preventDefault();
    input.focus();
  });
  const bar = h('header', { id: 'site-search', class: 'site-search' }, form, status, results);
  document.body.insertBefore(bar, document.getElementById('app'));
}
