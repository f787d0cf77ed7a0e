/**
 * Session references (`previous`, carry-over links, issue #17): `{eventId, sessionId}`, written in
 * text formats as `<eventId>/<sessionId>`. Pure parsing and checking; no lookups.
 */
import type { SessionRef } from './domain.ts';
import { isValidId } from './ids.ts';

/** `<eventId>/<sessionId>` of a reference. */
export function formatSessionRef(ref: SessionRef): string {
  return `${ref.eventId}/${ref.sessionId}`;
}

/**
 * Reads a reference from `"event/session"` or `{eventId, sessionId}`; undefined when it is neither
 * or an id is not a valid id (callers word the error for their format).
 */
export function parseSessionRef(value: unknown): SessionRef | undefined {
  if (typeof value === 'string') {
    const parts = value.trim().split('/');
    if (parts.length !== 2) return undefined;
    const [eventId, sessionId] = parts;
    return isValidId(eventId) && isValidId(sessionId) ? { eventId, sessionId } : undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { eventId, sessionId, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  return isValidId(eventId) && isValidId(sessionId) ? { eventId, sessionId } : undefined;
}

/** True when both name the same session. */
export function sameSessionRef(a: SessionRef | undefined, b: SessionRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.eventId === b.eventId && a.sessionId === b.sessionId;
}
