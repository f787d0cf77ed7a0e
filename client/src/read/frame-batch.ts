/**
 * Coalesces work per key into one run per animation frame: a topic's notes are re-rendered at
 * most once a frame however many remote keystrokes arrive, and all topics due in a frame run
 * together (so the scroll position is kept once for all of them, see scroll-anchor.ts).
 */
export class FrameBatch<K> {
  private readonly due = new Set<K>();
  private frame: number | null = null;

  /** `run` gets the keys marked since the last frame, in the order they were first marked. */
  constructor(private readonly run: (keys: K[]) => void, private readonly schedule: (callback: () => void) => number = (callback) => requestAnimationFrame(callback)) {}

  mark(key: K): void {
    this.due.add(key);
    if (this.frame === null) this.frame = this.schedule(() => this.flush());
  }

  /** Runs what is due now (also called by the scheduled frame). */
  flush(): void {
    this.frame = null;
    if (this.due.size === 0) return;
    const keys = [...this.due];
    this.due.clear();
    this.run(keys);
  }
}
