/**
 * Etherpad pad ids in mcpad (issue #16). mcpad ids never contain `.`, so a pad id is unambiguous:
 *   `<sessionId>`            the whole session, as the txt export renders it
 *   `<sessionId>.<topicId>`  one topic's notes
 * Read-only ids (`getReadOnlyID`) stand for a viewer link: read-only-ids.ts.
 */
import { isValidId } from '../../shared/ids.ts';

export interface PadRef {
  sessionId: string;
  /** null: the whole session. */
  topicId: string | null;
}

/** The pad a pad id names, or null when it is not a well-formed mcpad pad id. */
export function parsePadId(padId: string): PadRef | null {
  const parts = padId.split('.');
  if (parts.length === 1 && isValidId(parts[0])) return { sessionId: parts[0]!, topicId: null };
  if (parts.length === 2 && isValidId(parts[0]) && isValidId(parts[1])) return { sessionId: parts[0]!, topicId: parts[1]! };
  return null;
}

export function padIdOf(ref: PadRef): string {
  return ref.topicId === null ? ref.sessionId : `${ref.sessionId}.${ref.topicId}`;
}
