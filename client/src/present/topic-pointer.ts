/**
 * Which topic the projector shows. By default it follows "now discussing" from the state doc.
 * `?topic=<id>` pins a topic (the lead chose what the room sees); arrow keys step to another
 * topic by hand. A change of "now discussing" takes over again from a hand-picked topic, but
 * never from a pinned one; `follow()` (key F) drops both. With nothing chosen or discussed (or a
 * topic the doc does not have), the first topic is shown.
 */
export type PointerMode = 'following' | 'pinned' | 'manual';

export class TopicPointer {
  private manual: string | null = null;
  private lastDiscussed: string | null | undefined = undefined;

  constructor(private pinned: string | null) {}

  get mode(): PointerMode {
    return this.manual !== null ? 'manual' : this.pinned !== null ? 'pinned' : 'following';
  }

  /** The topic to show among `ids` (doc order) while `discussing` is on; null when there are none. */
  choose(ids: readonly string[], discussing: string | null): string | null {
    if (discussing !== this.lastDiscussed) {
      // The first reading is the page opening, not a change: a pinned or stepped topic stays.
      if (this.lastDiscussed !== undefined) this.manual = null;
      this.lastDiscussed = discussing;
    }
    for (const wanted of [this.manual, this.pinned, discussing]) {
      if (wanted !== null && ids.includes(wanted)) return wanted;
    }
    return ids[0] ?? null;
  }

  /** Steps from the shown topic by `delta` (−1 previous, +1 next), staying within the list. */
  step(ids: readonly string[], shown: string | null, delta: number): void {
    if (ids.length === 0) return;
    const at = shown === null ? -1 : ids.indexOf(shown);
    const next = Math.min(ids.length - 1, Math.max(0, at + delta));
    this.manual = ids[next]!;
  }

  /** Back to following "now discussing". */
  follow(): void {
    this.manual = null;
    this.pinned = null;
  }
}
