/**
 * The audit log (issue #15): who changed an event's sessions, topics, links and imports, and when.
 * Entries live in the metadata (so they are shared through Redis in cluster mode, like the rest),
 * appended inside the same change as what they record: an entry exists iff its change was saved.
 * Bounded per event (AUDIT_MAX_ENTRIES_PER_EVENT): the oldest entries of that event go first.
 */
import type { AuditActor, AuditEntry } from '../../shared/domain.ts';
import type { MetaData } from '../storage/meta-store.ts';

/** Appends `entry` to the draft and drops the event's oldest entries past `maxPerEvent`. */
export function appendAudit(data: MetaData, entry: AuditEntry, maxPerEvent: number): void {
  const audit = data.audit ?? [];
  audit.push(entry);
  let excess = audit.filter((e) => e.eventId === entry.eventId).length - maxPerEvent;
  if (excess > 0) {
    data.audit = audit.filter((e) => {
      if (excess > 0 && e.eventId === entry.eventId) {
        excess--;
        return false;
      }
      return true;
    });
  } else data.audit = audit;
}

/** The event's entries, newest first, optionally of one session, at most `limit`. */
export function auditOf(data: MetaData, eventId: string, options: { sessionId?: string; limit: number }): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const audit = data.audit ?? [];
  for (let i = audit.length - 1; i >= 0 && entries.length < options.limit; i--) {
    const entry = audit[i]!;
    if (entry.eventId !== eventId) continue;
    if (options.sessionId !== undefined && entry.sessionId !== options.sessionId) continue;
    entries.push(structuredClone(entry));
  }
  return entries;
}

/** What an audit entry needs besides the time: filled in by the write that records it. */
export interface AuditNote {
  actor: AuditActor;
  action: string;
  eventId: string;
  sessionId?: string;
  detail: Record<string, unknown>;
}
