/** Domain types shared by server and client: event → microconference sessions → topics. */
import type { ParticipantAccess } from './roles.ts';

export interface Lead {
  name: string;
  email?: string;
}

export interface Schedule {
  /** ISO 8601 date-time with offset, e.g. 2019-09-10T10:00:00+02:00 */
  start: string;
  end?: string;
  room?: string;
}

export interface Topic {
  id: string;
  title: string;
  speakers: string[];
  abstract: string;
  /** The planned slot, when the schedule has one (e.g. from Indico). */
  schedule?: Schedule;
}

export interface Session {
  id: string;
  eventId: string;
  title: string;
  description: string;
  leads: Lead[];
  schedule?: Schedule;
  topics: Topic[];
  createdAt: string;
  updatedAt: string;
  /** The session this one follows on from (the same MC last time); set on import or by a lead (issue #17). */
  previous?: SessionRef;
  /** Archived (issue #15): read-only for everyone, still readable and exported. */
  archived?: boolean;
}

/** A reference to a session of an event (`<eventId>/<sessionId>` in text formats). */
export interface SessionRef {
  eventId: string;
  sessionId: string;
}

export interface ConferenceEvent {
  id: string;
  title: string;
  description: string;
  createdAt: string;
  /** 'open' (default): anyone with the session URL edits; 'link': only edit links do. */
  participantAccess?: ParticipantAccess;
}

/**
 * A session as an importer produces it, before it is stored: ids are optional (derived from
 * titles when missing) and timestamps are set by the store.
 */
export interface SessionDraft {
  id?: string;
  title?: string;
  description?: string;
  leads?: Lead[];
  schedule?: Schedule;
  topics: TopicDraft[];
  /** The predecessor session; it must exist once the import is applied. */
  previous?: SessionRef;
}

export interface TopicDraft {
  id?: string;
  title: string;
  speakers?: string[];
  abstract?: string;
  schedule?: Schedule;
}

/** Who made a change, as the audit log records it (issue #15). */
export interface AuditActor {
  role: 'admin' | 'lead' | 'participant' | 'viewer';
  /** The link's label for a link holder; 'admin' for the admin token. */
  label?: string;
}

/** One audit entry: who changed what, when, in which event (and session). */
export interface AuditEntry {
  at: string;
  actor: AuditActor;
  action: string;
  eventId: string;
  sessionId?: string;
  detail: Record<string, unknown>;
}
