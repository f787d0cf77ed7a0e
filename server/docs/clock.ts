/**
 * Time as the engine sees it: the current time and the two ways it schedules work (after a delay,
 * or at the end of the event-loop turn). Injected (as tldraw sync-core's tests do) so tests drive
 * time with a manual clock instead of sleeping and asserting that nothing happened.
 */

/** A scheduled callback: `refresh` restarts its delay from now, `cancel` drops it. */
export interface Timer {
  refresh(): void;
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (Date.now). */
  now(): number;
  /** Runs `callback` after `delayMs`; never keeps the process alive on its own (unref). */
  setTimeout(callback: () => void, delayMs: number): Timer;
  /** Runs `callback` at the end of this event-loop turn, after the I/O read in it. */
  setImmediate(callback: () => void): void;
}

/** The real clock. Globals are looked up per call, so vitest's fake timers also apply to it. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return {
      refresh: () => void timer.refresh(),
      cancel: () => clearTimeout(timer),
    };
  },
  setImmediate(callback) {
    setImmediate(callback);
  },
};
