/**
 * A Clock (server/docs/clock.ts) whose time moves only when a test says so: `advance(ms)` runs the
 * timers that fall due, in order. End-of-turn callbacks still run on the real event loop (a turn is
 * not time), so `await turn()` keeps working alongside it.
 */
import type { Clock, Timer } from '../../server/docs/clock.ts';

interface Scheduled {
  dueAt: number;
  delayMs: number;
  callback: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  #now: number;
  #timers: Scheduled[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const scheduled: Scheduled = { dueAt: this.#now + delayMs, delayMs, callback, cancelled: false };
    this.#timers.push(scheduled);
    return {
      refresh: () => {
        scheduled.dueAt = this.#now + scheduled.delayMs;
        if (!this.#timers.includes(scheduled)) this.#timers.push(scheduled);
        scheduled.cancelled = false;
      },
      cancel: () => {
        scheduled.cancelled = true;
      },
    };
  }

  setImmediate(callback: () => void): void {
    setImmediate(callback);
  }

  /** Timers not yet run or cancelled. */
  get pending(): number {
    return this.#timers.filter((timer) => !timer.cancelled).length;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, earliest first. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((timer) => !timer.cancelled && timer.dueAt <= end).sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!due) break;
      this.#now = Math.max(this.#now, due.dueAt);
      this.#timers.splice(this.#timers.indexOf(due), 1);
      due.callback();
    }
    this.#now = end;
  }
}
