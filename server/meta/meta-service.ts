// Over ~350 lines: the one facade of every metadata read and write (imports, edits with their audit entries, links, carry-over records) the layers above call.
/**
 * Events, sessions and their topic lists, session links and event access: reads from memory,
 * changes through MetaWrites (computed on a copy, saved, then visible; over a shared store,
 * optimistic and followed across instances). The facade the rest of the server uses; the jobs
 * live in meta-writes.ts (the write path), meta-notices.ts (who hears about changes),
 * meta-import.ts (imports) and session-links.ts (links).
 */
import type { AuditActor, AuditEntry, ConferenceEvent, Session, SessionDraft, SessionRef, Topic } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { ParticipantAccess, TokenRole } from '../../shared/roles.ts';
import type { MetaData, MetaStore } from '../storage/meta-store.ts';
import { appendAudit, auditOf } from './audit.ts';
import { applyImport, type ImportOptions, type ImportResult } from './meta-import.ts';
import * as edits from './meta-edits.ts';
import { MetaNotices } from './meta-notices.ts';
import { MetaWrites } from './meta-writes.ts';
import { assignPrevious } from './previous-session.ts';
import { addToken, linksOf, LiveTokens, revokeToken } from './session-links.ts';
import type { TokenInfo, TokenRecord } from './tokens.ts';

export type { ImportedSession, ImportOptions, ImportResult } from './meta-import.ts';

export interface SessionSummary {
  id: string;
  title: string;
  description: string;
  leads: Session['leads'];
  schedule?: Session['schedule'];
  topics: Array<Pick<Topic, 'id' | 'title' | 'speakers'>>;
  archived: boolean;
}

export interface EventSummary extends ConferenceEvent {
  sessionCount: number;
}

type TopicsListener = (session: Session) => void;

export interface MetaServiceOptions {
  /** Reports a failed reload of another instance's change (shared store only; default: console). */
  onReloadError?: (error: unknown) => void;
  /** Audit entries kept per event (default 2000). */
  auditMaxEntriesPerEvent?: number;
}

/** Orders sessions by schedule start (unscheduled last), then by creation. */
function scheduleOrder(a: Session, b: Session): number {
  const sa = a.schedule?.start ?? '\uffff';
  const sb = b.schedule?.start ?? '\uffff';
  return sa < sb ? -1 : sa > sb ? 1 : a.createdAt.localeCompare(b.createdAt);
}

export class MetaService {
  #writes: MetaWrites;
  #notices: MetaNotices;
  #tokens: LiveTokens;
  #auditMax: number;
  /** True when the store held nothing at open (first start: seed it). Over a shared store several
   *  instances may all start fresh; seeding stays single because imports merge by id and each
   *  retry computes on the data another instance saved first. */
  readonly isFresh: boolean;

  private constructor(writes: MetaWrites, notices: MetaNotices, tokens: LiveTokens, isFresh: boolean, auditMax: number) {
    this.#auditMax = auditMax;
    this.#writes = writes;
    this.#notices = notices;
    this.#tokens = tokens;
    this.isFresh = isFresh;
  }

  /** Loads the metadata from `store`; over a shared store, follows other instances' saves until `close()`. */
  static async open(store: MetaStore, options: MetaServiceOptions = {}): Promise<MetaService> {
    const notices = new MetaNotices();
    const tokens = new LiveTokens();
    const onReloadError = options.onReloadError ?? ((error: unknown) => console.error('mcpad: reloading shared metadata failed', error));
    const { writes, stored } = await MetaWrites.open(store, { notices, onData: (data) => tokens.index(data), onReloadError });
    return new MetaService(writes, notices, tokens, stored === null, options.auditMaxEntriesPerEvent ?? 2000);
  }

  /** Stops following other instances and waits for queued writes (the store stays open). */
  close(): Promise<void> {
    return this.#writes.close();
  }

  get #data(): MetaData {
    return this.#writes.data;
  }

  /** Called after a session gains topics (an import appended to it). */
  onTopicsAdded(listener: TopicsListener): () => void {
    return this.#notices.topicsAdded.on(listener);
  }

  listEvents(): EventSummary[] {
    return this.#data.events.map((event) => ({
      ...event,
      sessionCount: this.#data.sessions.filter((s) => s.eventId === event.id).length,
    }));
  }

  /** The event with its sessions in schedule order; throws EVENT_NOT_FOUND. */
  getEvent(eventId: string): { event: ConferenceEvent; sessions: SessionSummary[] } {
    const event = this.#data.events.find((e) => e.id === eventId);
    if (!event) throw new AppError('EVENT_NOT_FOUND', `No event with id "${eventId}".`);
    return { event: structuredClone(event), sessions: this.sessionsOf(eventId).map(summarise) };
  }

  /** Full sessions of an event in schedule order. */
  sessionsOf(eventId: string): Session[] {
    return this.#data.sessions.filter((s) => s.eventId === eventId).sort(scheduleOrder).map((s) => structuredClone(s));
  }

  /** The session; throws SESSION_NOT_FOUND. */
  getSession(sessionId: string): Session {
    const session = this.findSession(sessionId);
    if (!session) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
    return session;
  }

  /** The session, or undefined (a copy: callers cannot change the stored one). */
  findSession(sessionId: string): Session | undefined {
    const session = this.#data.sessions.find((s) => s.id === sessionId);
    return session && structuredClone(session);
  }

  hasSession(sessionId: string): boolean {
    return this.#data.sessions.some((s) => s.id === sessionId);
  }

  /**
   * Creates the event if needed, then creates each drafted session or appends its new topics to
   * the existing one (topics already present, by id or title, are skipped). All or nothing.
   */
  importSessions(eventId: string, drafts: readonly SessionDraft[], options: ImportOptions = {}): Promise<ImportResult> {
    const { actor } = options;
    return this.#writes.mutate((data, now) => {
      const outcome = applyImport(data, eventId, drafts, options, now);
      if (actor) {
        const sessions = outcome.result.sessions.map(({ id, created, addedTopics, skippedTopics }) => ({ id, created, addedTopics, skippedTopics }));
        this.#audit(data, now, actor, { action: 'import', eventId, detail: { eventCreated: outcome.result.eventCreated, sessions } });
      }
      return outcome;
    });
  }

  /**
   * What `importSessions` would do, computed on a copy and never saved (the import preview, issue
   * #15): the result and the sessions as they would be. Throws as the import would.
   */
  previewImport(eventId: string, drafts: readonly SessionDraft[], options: ImportOptions = {}): { result: ImportResult; sessions: Session[] } {
    const draft = structuredClone(this.#data);
    const { result } = applyImport(draft, eventId, drafts, options, new Date().toISOString());
    return { result, sessions: result.sessions.map((imported) => draft.sessions.find((s) => s.id === imported.id)!) };
  }

  #audit(data: MetaData, now: string, actor: AuditActor, note: { action: string; eventId: string; sessionId?: string | undefined; detail: Record<string, unknown> }): void {
    const { sessionId, ...rest } = note;
    appendAudit(data, { at: now, actor, ...rest, ...(sessionId !== undefined ? { sessionId } : {}) }, this.#auditMax);
  }

  /** Runs an edit of meta-edits.ts and records it in the audit log under `action`, in one write. */
  #edit<T>(actor: AuditActor, action: string, edit: (data: MetaData, now: string) => edits.Edit<T>): Promise<T> {
    return this.#writes.mutate((data, now) => {
      const { result, changed, eventId, sessionId, detail } = edit(data, now);
      this.#audit(data, now, actor, { action, eventId, sessionId, detail });
      return { result, ...(changed ? { changed } : {}) };
    });
  }

  /** Creates an event (EVENT_EXISTS when the id is taken). */
  createEvent(actor: AuditActor, fields: { id: string; title: string; description?: string }): Promise<ConferenceEvent> {
    return this.#edit(actor, 'event.create', (data, now) => edits.createEvent(data, fields, now));
  }

  /** Changes an event's title, description or participant access. */
  async updateEvent(actor: AuditActor, eventId: string, patch: edits.EventPatch): Promise<ConferenceEvent> {
    const { event, closed } = await this.#edit(actor, 'event.update', (data) => edits.updateEvent(data, eventId, patch));
    if (closed) this.#notices.eventClosed.each((listener) => listener(eventId));
    return event;
  }

  /** Changes a session's title, description, leads or schedule (SESSION_ARCHIVED when archived). */
  updateSession(actor: AuditActor, sessionId: string, patch: edits.SessionPatch): Promise<Session> {
    return this.#edit(actor, 'session.update', (data, now) => edits.updateSession(data, sessionId, patch, now));
  }

  /** Adds a topic (after `after`, else last); the session's loaded doc gets its section (onTopicsAdded). */
  addTopic(actor: AuditActor, sessionId: string, fields: edits.NewTopic): Promise<Topic> {
    return this.#edit(actor, 'topic.add', (data, now) => edits.addTopic(data, sessionId, fields, now));
  }

  /** Changes a topic's title, speakers or abstract; returns the topic and its title before. */
  updateTopic(actor: AuditActor, sessionId: string, topicId: string, patch: edits.TopicPatch): Promise<{ topic: Topic; previousTitle: string }> {
    return this.#edit(actor, 'topic.update', (data, now) => edits.updateTopic(data, sessionId, topicId, patch, now));
  }

  /** Reorders the session's topics (a permutation of their ids, else VALIDATION_FAILED). */
  setTopicOrder(actor: AuditActor, sessionId: string, topicIds: readonly string[]): Promise<Session> {
    return this.#edit(actor, 'topic.reorder', (data, now) => edits.setTopicOrder(data, sessionId, topicIds, now));
  }

  /** Archives (read-only for everyone) or unarchives a session. */
  async setArchived(actor: AuditActor, sessionId: string, archived: boolean): Promise<Session> {
    const { session, changed } = await this.#edit(actor, archived ? 'session.archive' : 'session.unarchive', (data, now) => edits.setArchived(data, sessionId, archived, now));
    if (changed && archived) this.#notices.sessionArchived.each((listener) => listener(sessionId));
    return session;
  }

  /** Called after a session was archived (the WebSocket edge makes its open connections read-only). */
  onSessionArchived(listener: (sessionId: string) => void): () => void {
    return this.#notices.sessionArchived.on(listener);
  }

  /** The event's audit entries, newest first (EVENT_NOT_FOUND for an unknown event). */
  audit(eventId: string, options: { sessionId?: string; limit: number }): AuditEntry[] {
    this.getEvent(eventId);
    return auditOf(this.#data, eventId, options);
  }

  /**
   * Sets (or with null removes) the session's predecessor (issue #17). Throws SESSION_NOT_FOUND
   * for an unknown session or predecessor, BAD_REQUEST for itself or a cycle.
   */
  async setPrevious(sessionId: string, previous: SessionRef | null): Promise<Session> {
    return this.#writes.mutate((data, now) => {
      const session = data.sessions.find((s) => s.id === sessionId);
      if (!session) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
      assignPrevious(data, session, previous);
      session.updatedAt = now;
      return { result: structuredClone(session) };
    });
  }

  /**
   * Records that the action item `actionId` of `sessionId` is carried over to `to`; throws
   * ALREADY_CARRIED when it was (check and write in one metadata write: atomic across instances).
   */
  async reserveCarry(sessionId: string, actionId: string, to: { eventId: string; sessionId: string; actionId: string }): Promise<void> {
    await this.#writes.mutate((data) => {
      const key = `${sessionId}/${actionId}`;
      const existing = data.carried?.[key];
      if (existing) throw new AppError('ALREADY_CARRIED', `This follow-up was already carried over to ${existing.eventId}/${existing.sessionId}.`);
      data.carried = { ...data.carried, [key]: { ...to } };
      return { result: undefined };
    });
  }

  /** Undoes `reserveCarry` (the carry failed after it). */
  async releaseCarry(sessionId: string, actionId: string): Promise<void> {
    await this.#writes.mutate((data) => {
      const carried = { ...data.carried };
      delete carried[`${sessionId}/${actionId}`];
      data.carried = carried;
      return { result: undefined };
    });
  }

  /** How the event lets people in without a link ('open' unless set). */
  participantAccess(eventId: string): ParticipantAccess {
    return this.#data.events.find((e) => e.id === eventId)?.participantAccess ?? 'open';
  }

  /** Sets whether anyone may edit the event's sessions ('open') or only edit links ('link'). */
  /** The pad id a legacy Etherpad pad name stands for, if an admin set one. */
  padAlias(name: string): string | undefined {
    const aliases = this.#data.padAliases;
    return aliases && Object.hasOwn(aliases, name) ? aliases[name] : undefined;
  }

  listPadAliases(): Record<string, string> {
    return { ...this.#data.padAliases };
  }

  /** Sets (`padId`) or removes (null) a legacy pad name; the pad's session must exist. */
  async setPadAlias(name: string, padId: string | null): Promise<void> {
    await this.#writes.mutate((data) => {
      if (padId !== null && !data.sessions.some((session) => session.id === padId.split('.')[0])) {
        throw new AppError('SESSION_NOT_FOUND', `No session for the pad "${padId}".`);
      }
      const aliases = { ...data.padAliases };
      if (padId === null) delete aliases[name];
      else aliases[name] = padId;
      data.padAliases = aliases;
      return { result: undefined };
    });
  }

  async setParticipantAccess(eventId: string, access: ParticipantAccess): Promise<void> {
    const closed = await this.#writes.mutate((data) => {
      const event = data.events.find((e) => e.id === eventId);
      if (!event) throw new AppError('EVENT_NOT_FOUND', `No event with id "${eventId}".`);
      const wasOpen = (event.participantAccess ?? 'open') === 'open';
      event.participantAccess = access;
      return { result: wasOpen && access === 'link' };
    });
    if (closed) this.#notices.eventClosed.each((listener) => listener(eventId));
  }

  /** Called after an event's participant access went from open to link (anonymous editors must
   *  lose write access on open connections too; the WebSocket edge closes them). */
  onEventClosed(listener: (eventId: string) => void): () => void {
    return this.#notices.eventClosed.on(listener);
  }

  /** The live token record of `token`, or undefined (unknown or revoked). */
  findToken(token: string): TokenRecord | undefined {
    return this.#tokens.find(token);
  }

  /** Creates a link for a session; the token is returned here only. */
  createToken(sessionId: string, role: TokenRole, label: string, actor?: AuditActor): Promise<{ info: TokenInfo; token: string }> {
    return this.#writes.mutate((data, now) => {
      const session = data.sessions.find((s) => s.id === sessionId);
      if (!session) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
      const created = addToken(data, session, role, label, now);
      if (actor) this.#audit(data, now, actor, { action: 'link.create', eventId: session.eventId, sessionId, detail: { tokenId: created.info.id, role, label } });
      return { result: created };
    });
  }

  /** The session's links, newest first, without secrets. */
  listTokens(sessionId: string): TokenInfo[] {
    this.getSession(sessionId);
    return linksOf(this.#data, sessionId);
  }

  /** Called after a link is revoked (the WebSocket edge closes its open connections). */
  onTokenRevoked(listener: (info: TokenInfo) => void): () => void {
    return this.#notices.tokenRevoked.on(listener);
  }

  /** Revokes a link: it stops working at once, for new and open connections. */
  async revokeToken(sessionId: string, tokenId: string, actor?: AuditActor): Promise<TokenInfo> {
    const info = await this.#writes.mutate((data, now) => {
      const revoked = revokeToken(data, sessionId, tokenId, now);
      if (actor) this.#audit(data, now, actor, { action: 'link.revoke', eventId: revoked.eventId, sessionId, detail: { tokenId, role: revoked.role, label: revoked.label } });
      return { result: revoked };
    });
    this.#notices.tokenRevoked.each((listener) => listener(info));
    return info;
  }
}

function summarise(session: Session): SessionSummary {
  return {
    id: session.id,
    title: session.title,
    description: session.description,
    leads: session.leads,
    ...(session.schedule ? { schedule: session.schedule } : {}),
    topics: session.topics.map(({ id, title, speakers }) => ({ id, title, speakers })),
    archived: session.archived === true,
  };
}
