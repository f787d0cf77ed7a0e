/**
 * Keeps a list element's rows in the order of the items they show: a row per key, created once and
 * updated in place (a focused field keeps its focus and caret), moved when its item moved, removed
 * when its item went. Used by the action-item and decision lists.
 */
export interface KeyedRows<T, R extends { element: HTMLElement }> {
  list: HTMLElement;
  rows: Map<string, R>;
  /** The item's key; `index` for items without one. */
  keyOf(item: T, index: number): string;
  create(item: T): R;
  update(row: R, item: T): void;
}

export function syncRows<T, R extends { element: HTMLElement }>(items: readonly T[], { list, rows, keyOf, create, update }: KeyedRows<T, R>): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const key = keyOf(item, index);
    seen.add(key);
    let row = rows.get(key);
    if (!row) {
      row = create(item);
      rows.set(key, row);
    }
    update(row, item);
    const at = list.children[index];
    if (at !== row.element) list.insertBefore(row.element, at ?? null);
  });
  for (const [key, row] of rows) {
    if (!seen.has(key)) {
      row.element.remove();
      rows.delete(key);
    }
  }
}
