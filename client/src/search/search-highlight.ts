/**
 * Opening a search result (issue #17): `/s/<id>?q=…#topic-<topicId>` — once the topic's notes
 * show the first word of the query, that word is highlighted for a few seconds (CSS Custom
 * Highlight API: the editor's DOM is not touched) and the section flashes. `?q=` is then removed
 * from the address bar.
 */
const SHOW_MS = 5_000;
const WAIT_MS = 10_000;

/** Starts watching for the match when the URL carries `?q=`; returns at once. */
export function highlightSearchHit(): void {
  const url = new URL(location.href);
  const q = url.searchParams.get('q')?.trim();
  if (!q) return;
  url.searchParams.delete('q');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  const topicId = location.hash.startsWith('#topic-') ? decodeURIComponent(location.hash.slice('#topic-'.length)) : null;
  const words = (q.match(/[\p{L}\p{N}_]+/gu) ?? []).map((w) => w.toLowerCase());
  if (words.length === 0) return;
  const started = Date.now();
  const attempt = (): void => {
    const section = topicId ? document.getElementById(`topic-${topicId}`) : document.getElementById('app');
    const range = section ? firstMatch(section, words) : null;
    if (section && range) return show(section, range);
    if (Date.now() - started < WAIT_MS) setTimeout(attempt, 150);
    else section?.classList.add('search-target');
  };
  attempt();
}

/** The first text of `root` that starts with one of `words` (prefix matches count, as in search). */
function firstMatch(root: Element, words: readonly string[]): Range | null {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent ?? '';
    for (const match of text.matchAll(/[\p{L}\p{N}_]+/gu)) {
      const word = match[0].toLowerCase();
      const hit = words.find((w) => word.startsWith(w));
      if (!hit) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      return range;
    }
  }
  return null;
}

function show(section: HTMLElement, range: Range): void {
  section.classList.add('search-target');
  const registry = (globalThis as { CSS?: { highlights?: Map<string, unknown> } }).CSS?.highlights;
  const HighlightClass = (globalThis as { Highlight?: new (range: Range) => unknown }).Highlight;
  if (registry && HighlightClass) registry.set('search-hit', new HighlightClass(range));
  (range.startContainer.parentElement ?? section).scrollIntoView({ block: 'center' });
  section.dataset.searchHit = range.toString();
  setTimeout(() => {
    registry?.delete('search-hit');
    section.classList.remove('search-target');
  }, SHOW_MS);
}
