/** Best-first iteration over scores without sorting them all (search, issue #17): a page of 20
 *  out of 40,000 matching documents costs a heapify and 20 pops, not a sort. */

/** Yields `scores`' indexes from the highest score down (ties: lower index first, as a stable
 *  sort would), heapifying once and popping only as many as the caller takes. */
export function* byScoreDesc(scores: Float64Array): Generator<number> {
  const heap = Int32Array.from({ length: scores.length }, (_, i) => i);
  const above = (a: number, b: number): boolean => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);
  const down = (from: number, size: number): void => {
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && above(heap[right]!, heap[left]!) ? right : left;
      if (!above(heap[child]!, heap[at]!)) return;
      [heap[at], heap[child]] = [heap[child]!, heap[at]!];
      at = child;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i, heap.length);
  for (let size = heap.length; size > 0; size--) {
    yield heap[0]!;
    heap[0] = heap[size - 1]!;
    down(0, size - 1);
  }
}
