/**
 * Importing session drafts into the metadata: the event is created if needed, then each drafted
 * session is created (with its lead link) or gets the new topics appended (topics already present,
 * by id or title, are skipped). A change function for MetaWrites: all or nothing.
 */
import type { AuditActor, Session, SessionDraft } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { isValidId, slugify, uniqueId } from '../../shared/ids.ts';
import type { MetaData } from '../storage/meta-store.ts';
import { addToken } from './session-links.ts';
import { assignPrevious } from './previous-session.ts';

export interface ImportedSession {
  id: string;
  created: boolean;
  /** The lead link's token of a session this import created; shown only here, once. */
  leadToken?: string;
  addedTopics: string[];
  skippedTopics: string[];
}

export interface ImportResult {
  eventId: string;
  eventCreated: boolean;
  sessions: ImportedSession[];
}

export interface ImportOptions {
  /** Title for the event when the import creates it. */
  eventTitle?: string;
  eventDescription?: string;
  /** Who imports, for the audit log (issue #15); absent: not recorded (seed, CLI). */
  actor?: AuditActor;
}

export function applyImport(
  data: MetaData,
  eventId: string,
  drafts: readonly SessionDraft[],
  options: ImportOptions,
  now: string,
): { result: ImportResult; changed: Session[] } {
  if (!isValidId(eventId)) throw new AppError('INVALID_ID', `Invalid event id "${eventId}": use 1-64 characters a-z, 0-9 and inner hyphens.`);
  if (drafts.length === 0) throw new AppError('IMPORT_INVALID', 'The import contains no session.');
  let eventCreated = false;
  if (!data.events.some((e) => e.id === eventId)) {
    data.events.push({ id: eventId, title: options.eventTitle ?? eventId, description: options.eventDescription ?? '', createdAt: now });
    eventCreated = true;
  }
  const imported: ImportedSession[] = [];
  const changed: Session[] = [];
  const seenInImport = new Set<string>();
  for (const [index, draft] of drafts.entries()) {
    const title = draft.title?.trim();
    const id = draft.id ?? (title ? slugify(title) : undefined);
    if (!id) throw new AppError('IMPORT_INVALID', `Session ${index + 1} has neither an id nor a title.`, 'session-id-or-title');
    if (!isValidId(id)) throw new AppError('INVALID_ID', `Invalid session id "${id}": use 1-64 characters a-z, 0-9 and inner hyphens.`);
    if (seenInImport.has(id)) throw new AppError('IMPORT_INVALID', `Session id "${id}" appears twice in the import.`);
    seenInImport.add(id);
    const existing = data.sessions.find((s) => s.id === id);
    if (existing && existing.eventId !== eventId) {
      throw new AppError('IMPORT_INVALID', `Session "${id}" already belongs to event "${existing.eventId}".`);
    }
    const session: Session = existing ?? {
      id,
      eventId,
      title: title || id,
      description: draft.description ?? '',
      leads: draft.leads ?? [],
      ...(draft.schedule ? { schedule: draft.schedule } : {}),
      topics: [],
      createdAt: now,
      updatedAt: now,
    };
    const { added, skipped } = appendTopics(session, draft.topics, id);
    if (existing?.archived && added.length > 0) {
      throw new AppError('SESSION_ARCHIVED', `Session "${id}" is archived: unarchive it before importing topics into it.`);
    }
    let leadToken: string | undefined;
    if (!existing) {
      data.sessions.push(session);
      leadToken = addToken(data, session, 'lead', 'lead link (created with the session)', now).token;
    }
    if (existing && added.length > 0) {
      session.updatedAt = now;
      changed.push(session);
    }
    imported.push({ id, created: !existing, ...(leadToken ? { leadToken } : {}), addedTopics: added, skippedTopics: skipped });
  }
  // After every session of the import exists: a predecessor may be in the same import.
  for (const [index, draft] of drafts.entries()) {
    if (!draft.previous) continue;
    const session = data.sessions.find((s) => s.id === imported[index]!.id)!;
    assignPrevious(data, session, draft.previous, 'IMPORT_INVALID');
  }
  return { result: { eventId, eventCreated, sessions: imported }, changed };
}

function appendTopics(session: Session, drafts: SessionDraft['topics'], sessionId: string): { added: string[]; skipped: string[] } {
  const ids = new Set(session.topics.map((t) => t.id));
  const titles = new Set(session.topics.map((t) => t.title.trim().toLowerCase()));
  const added: string[] = [];
  const skipped: string[] = [];
  for (const [index, draft] of drafts.entries()) {
    const title = draft.title?.trim();
    if (!title) throw new AppError('IMPORT_INVALID', `Session "${sessionId}", topic ${index + 1}: the title is empty.`);
    if (draft.id !== undefined && !isValidId(draft.id)) {
      throw new AppError('INVALID_ID', `Session "${sessionId}", topic ${index + 1}: invalid topic id "${draft.id}".`);
    }
    if ((draft.id !== undefined && ids.has(draft.id)) || titles.has(title.toLowerCase())) {
      skipped.push(draft.id ?? title);
      continue;
    }
    const id = draft.id ?? uniqueId(slugify(title), ids);
    session.topics.push({ id, title, speakers: draft.speakers ?? [], abstract: draft.abstract ?? '', ...(draft.schedule ? { schedule: draft.schedule } : {}) });
    ids.add(id);
    titles.add(title.toLowerCase());
    added.push(id);
  }
  return { added, skipped };
}
