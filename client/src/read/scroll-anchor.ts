/**
 * No layout jump when remote text arrives above what the reader is looking at: before a change,
 * remember the first element in view (a topic's heading, or a block of its notes) and its offset
 * from the top of the viewport; after the change, scroll by however far it moved. Blocks of notes
 * that are re-rendered are new elements, so a notes block is found again by its text (the one
 * with the same text nearest its old place counted from the END of its notes: text typed above it
 * adds blocks before it, not after), else by that place alone (its own text changed). The browser's
 * own scroll anchoring is switched off for these pages (CSS `overflow-anchor: none`) so the two
 * never both correct the same change.
 */
interface Anchor {
  element: Element;
  /** For a notes block: its container and its index from the end, to find its replacement. */
  notes: { container: Element; fromEnd: number; text: string } | null;
  top: number;
}

/** Elements that may anchor, in document order: `[data-anchor]` elements and notes blocks. */
const CANDIDATES = '[data-anchor], [data-notes] > *';

function firstInView(root: Element): Anchor | null {
  for (const element of root.querySelectorAll(CANDIDATES)) {
    const box = element.getBoundingClientRect();
    if (box.bottom <= 0 || box.height === 0) continue;
    const container = element.parentElement?.hasAttribute('data-notes') ? element.parentElement : null;
    const fromEnd = container ? container.children.length - 1 - Array.prototype.indexOf.call(container.children, element) : 0;
    const notes = container ? { container, fromEnd, text: element.textContent ?? '' } : null;
    return { element, notes, top: box.top };
  }
  return null;
}

function find(anchor: Anchor): Element | null {
  if (!anchor.notes) return anchor.element.isConnected ? anchor.element : null;
  const { container, fromEnd, text } = anchor.notes;
  if (!container.isConnected) return null;
  const blocks = Array.from(container.children);
  const last = blocks.length - 1;
  let best: Element | null = null;
  let distance = Infinity;
  blocks.forEach((block, index) => {
    const away = Math.abs(last - index - fromEnd);
    if (block.textContent === text && away < distance) [best, distance] = [block, away];
  });
  return best ?? blocks[last - fromEnd] ?? container;
}

/** Runs `change` (which may re-render anything under `root`) keeping the view where it was. */
export function keepScrollPosition(root: Element, change: () => void): void {
  // At the very top there is nothing above to push the view: let content grow below.
  const anchor = window.scrollY > 0 ? firstInView(root) : null;
  change();
  if (!anchor) return;
  const now = find(anchor);
  if (!now) return;
  const moved = now.getBoundingClientRect().top - anchor.top;
  if (Math.abs(moved) >= 0.5) window.scrollBy(0, moved);
}
