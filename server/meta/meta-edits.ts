/**
 * Edits of events, sessions and topics by the organiser and leads (issue #15), as change
 * functions for MetaWrites: each works on a draft (all or nothing), throws a catalogued AppError
 * for a refusal, and says what to record in the audit log. An archived session refuses every edit
 * but un-archiving.
 */
import type { ConferenceEvent, Lead, Schedule, Session, Topic } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { slugify, uniqueId } from '../../shared/ids.ts';
import type { ParticipantAccess } from '../../shared/roles.ts';
import type { MetaData } from '../storage/meta-store.ts';

/** What a change returns: its result, the sessions that gained topics, and the audit detail. */
export interface Edit<T> {
  result: T;
  changed?: Session[];
  sessionId?: string;
  eventId: string;
  detail: Record<string, unknown>;
}

export interface EventPatch {
  title?: string;
  description?: string;
  participantAccess?: ParticipantAccess;
}

export interface SessionPatch {
  title?: string;
  description?: string;
  leads?: Lead[];
  /** null removes the schedule. */
  schedule?: Schedule | null;
}

export interface NewTopic {
  title: string;
  speakers?: string[];
  abstract?: string;
  /** The topic the new one goes after; absent: at the end. */
  after?: string;
}

export interface TopicPatch {
  title?: string;
  speakers?: string[];
  abstract?: string;
}

function eventOf(data: MetaData, eventId: string): ConferenceEvent {
  const event = data.events.find((e) => e.id === eventId);
  if (!event) throw new AppError('EVENT_NOT_FOUND', `No event with id "${eventId}".`);
  return event;
}

/** The session, refusing when it is archived (unless `evenArchived`). */
export function editableSession(data: MetaData, sessionId: string, evenArchived = false): Session {
  const session = data.sessions.find((s) => s.id === sessionId);
  if (!session) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
  if (session.archived && !evenArchived) throw new AppError('SESSION_ARCHIVED', `Session "${sessionId}" is archived: unarchive it to change it.`);
  return session;
}

function topicOf(session: Session, topicId: string): Topic {
  const topic = session.topics.find((t) => t.id === topicId);
  if (!topic) throw new AppError('NOT_FOUND', `Session "${session.id}" has no topic "${topicId}".`);
  return topic;
}

/** The fields of `patch` that are set, for the audit detail. */
function setFields(patch: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

export function createEvent(data: MetaData, fields: { id: string; title: string; description?: string }, now: string): Edit<ConferenceEvent> {
  if (data.events.some((e) => e.id === fields.id)) throw new AppError('EVENT_EXISTS', `An event with id "${fields.id}" exists already.`);
  const event: ConferenceEvent = { id: fields.id, title: fields.title, description: fields.description ?? '', createdAt: now };
  data.events.push(event);
  return { result: structuredClone(event), eventId: event.id, detail: { title: event.title } };
}

export function updateEvent(data: MetaData, eventId: string, patch: EventPatch): Edit<{ event: ConferenceEvent; closed: boolean }> {
  const event = eventOf(data, eventId);
  const wasOpen = (event.participantAccess ?? 'open') === 'open';
  if (patch.title !== undefined) event.title = patch.title;
  if (patch.description !== undefined) event.description = patch.description;
  if (patch.participantAccess !== undefined) event.participantAccess = patch.participantAccess;
  const closed = wasOpen && event.participantAccess === 'link';
  return { result: { event: structuredClone(event), closed }, eventId, detail: setFields(patch) };
}

export function updateSession(data: MetaData, sessionId: string, patch: SessionPatch, now: string): Edit<Session> {
  const session = editableSession(data, sessionId);
  if (patch.title !== undefined) session.title = patch.title;
  if (patch.description !== undefined) session.description = patch.description;
  if (patch.leads !== undefined) session.leads = patch.leads;
  if (patch.schedule === null) delete session.schedule;
  else if (patch.schedule !== undefined) session.schedule = patch.schedule;
  session.updatedAt = now;
  return { result: structuredClone(session), eventId: session.eventId, sessionId, detail: setFields(patch) };
}

export function addTopic(data: MetaData, sessionId: string, fields: NewTopic, now: string): Edit<Topic> {
  const session = editableSession(data, sessionId);
  const title = fields.title.trim();
  if (session.topics.some((t) => t.title.trim().toLowerCase() === title.toLowerCase())) {
    throw new AppError('TOPIC_EXISTS', `Session "${sessionId}" already has a topic "${title}".`);
  }
  const at = fields.after === undefined ? session.topics.length : session.topics.indexOf(topicOf(session, fields.after)) + 1;
  const id = uniqueId(slugify(title), new Set(session.topics.map((t) => t.id)));
  const topic: Topic = { id, title, speakers: fields.speakers ?? [], abstract: fields.abstract ?? '' };
  session.topics.splice(at, 0, topic);
  session.updatedAt = now;
  return { result: structuredClone(topic), changed: [session], eventId: session.eventId, sessionId, detail: { topicId: id, title, ...(fields.after ? { after: fields.after } : {}) } };
}

export function updateTopic(data: MetaData, sessionId: string, topicId: string, patch: TopicPatch, now: string): Edit<{ topic: Topic; previousTitle: string }> {
  const session = editableSession(data, sessionId);
  const topic = topicOf(session, topicId);
  const previousTitle = topic.title;
  if (patch.title !== undefined) {
    const title = patch.title.trim();
    if (session.topics.some((t) => t !== topic && t.title.trim().toLowerCase() === title.toLowerCase())) {
      throw new AppError('TOPIC_EXISTS', `Session "${sessionId}" already has a topic "${title}".`);
    }
    topic.title = title;
  }
  if (patch.speakers !== undefined) topic.speakers = patch.speakers;
  if (patch.abstract !== undefined) topic.abstract = patch.abstract;
  session.updatedAt = now;
  const detail = { topicId, ...setFields(patch), ...(patch.title !== undefined ? { previousTitle } : {}) };
  return { result: { topic: structuredClone(topic), previousTitle }, eventId: session.eventId, sessionId, detail };
}

/** Reorders the session's topics; `topicIds` must be a permutation of them (else VALIDATION_FAILED). */
export function setTopicOrder(data: MetaData, sessionId: string, topicIds: readonly string[], now: string): Edit<Session> {
  const session = editableSession(data, sessionId);
  const byId = new Map(session.topics.map((t) => [t.id, t]));
  const unique = new Set(topicIds);
  if (unique.size !== topicIds.length || topicIds.length !== session.topics.length || topicIds.some((id) => !byId.has(id))) {
    throw new AppError('VALIDATION_FAILED', `topicIds must list each of the session's ${session.topics.length} topic ids exactly once.`);
  }
  session.topics = topicIds.map((id) => byId.get(id)!);
  session.updatedAt = now;
  return { result: structuredClone(session), eventId: session.eventId, sessionId, detail: { topicIds: [...topicIds] } };
}

export function setArchived(data: MetaData, sessionId: string, archived: boolean, now: string): Edit<{ session: Session; changed: boolean }> {
  const session = editableSession(data, sessionId, true);
  const changed = (session.archived === true) !== archived;
  if (archived) session.archived = true;
  else delete session.archived;
  if (changed) session.updatedAt = now;
  return { result: { session: structuredClone(session), changed }, eventId: session.eventId, sessionId, detail: { archived } };
}
