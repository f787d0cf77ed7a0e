/**
 * Checks a session's `previous` reference against the metadata (issue #17): the predecessor
 * exists in the named event, is not the session itself, and following `previous` from it never
 * comes back to the session (no cycle). A change function helper for MetaWrites.
 */
import type { Session, SessionRef } from '../../shared/domain.ts';
import { AppError, type ErrorCode } from '../../shared/errors.ts';
import { formatSessionRef } from '../../shared/session-ref.ts';
import type { MetaData } from '../storage/meta-store.ts';

/** Sets (or with null removes) `session.previous` after checking it; `invalid` is the 400 code to use. */
export function assignPrevious(data: MetaData, session: Session, previous: SessionRef | null, invalid: ErrorCode = 'BAD_REQUEST'): void {
  if (previous === null) {
    delete session.previous;
    return;
  }
  const target = data.sessions.find((s) => s.id === previous.sessionId && s.eventId === previous.eventId);
  if (!target) throw new AppError('SESSION_NOT_FOUND', `No session "${formatSessionRef(previous)}" to follow on from.`);
  if (target.id === session.id) throw new AppError(invalid, `Session "${session.id}" cannot follow on from itself.`);
  const seen = new Set<string>([session.id]);
  for (let at: Session | undefined = target; at?.previous; ) {
    if (seen.has(at.previous.sessionId)) {
      throw new AppError(invalid, `Session "${session.id}" following on from "${formatSessionRef(previous)}" would make a cycle.`);
    }
    seen.add(at.id);
    const next: SessionRef = at.previous;
    at = data.sessions.find((s) => s.id === next.sessionId);
  }
  session.previous = { eventId: previous.eventId, sessionId: previous.sessionId };
}
