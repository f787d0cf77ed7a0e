/**
 * Logs what the doc readers skipped because it did not fit the doc schema (issue #13), once per
 * doc rather than once per request: an export polled every few seconds must not flood the log.
 * Keys are a session id, or `<sessionId>@<checkpointId>` for a stored checkpoint; `forget` runs
 * when the session's doc unloads, so a doc broken again after a reload is logged again.
 */
import type { SkipReport } from '../../shared/doc-schema.ts';
import type { Logger } from '../logger.ts';

/** Problems listed in the one log line; the rest are counted. */
const LISTED_PROBLEMS = 10;

export class SkipLog {
  #log: Logger;
  #logged = new Set<string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Runs `read` with a collecting report; logs what it skipped the first time `key` skips anything. */
  read<T>(key: string, read: (report: SkipReport) => T): T {
    const problems = new Set<string>();
    const result = read((problem) => problems.add(problem));
    if (problems.size > 0 && !this.#logged.has(key)) {
      this.#logged.add(key);
      const list = [...problems];
      this.#log.warn(
        { doc: key, skipped: list.slice(0, LISTED_PROBLEMS), ...(list.length > LISTED_PROBLEMS ? { more: list.length - LISTED_PROBLEMS } : {}) },
        'parts of a notes doc that do not fit the schema were skipped',
      );
    }
    return result;
  }

  /** The session's doc unloaded: its next load is repaired, and anything skipped after is new. */
  forget(sessionId: string): void {
    for (const key of this.#logged) if (key === sessionId || key.startsWith(`${sessionId}@`)) this.#logged.delete(key);
  }
}
