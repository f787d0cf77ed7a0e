/**
 * Events, sessions and their topic lists, session links and event access: reads from memory,
 * changes through MetaWrites (computed on a copy, saved, then visible; over a shared store,
 * optimistic and followed across instances). The facade the rest of the server uses; the jobs
 * live in meta-writes.ts (the write path), meta-notices.ts (who hears about changes),
 * meta-import.ts (imports) and session-links.ts (links).
 */
import type { ConferenceEvent, Session, SessionDraft, SessionRef, Topic } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { ParticipantAccess, TokenRole } from '../../shared/roles.ts';
import type { MetaData, MetaStore } from '../storage/meta-store.ts';
import { applyImport, type ImportOptions, type ImportResult } from './meta-import.ts';
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
}

export interface EventSummary extends ConferenceEvent {
  sessionCount: number;
}

type TopicsListener = (session: Session) => void;

export interface MetaServiceOptions {
  /** Reports a failed reload of another instance's change (shared store only; default: console). */
  onReloadError?: (error: unknown) => void;
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
  /** True when the store held nothing at open (first start: seed it). Over a shared store several
   *  instances may all start fresh; seeding stays single because imports merge by id and each
   *  retry computes on the data another instance saved first. */
  readonly isFresh: boolean;

  private constructor(writes: MetaWrites, notices: MetaNotices, tokens: LiveTokens, isFresh: boolean) {
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
    return new MetaService(writes, notices, tokens, stored === null);
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
    return this.#writes.mutate((data, now) => applyImport(data, eventId, drafts, options, now));
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
  createToken(sessionId: string, role: TokenRole, label: string): Promise<{ info: TokenInfo; token: string }> {
    return this.#writes.mutate((data, now) => {
      const session = data.sessions.find((s) => s.id === sessionId);
      if (!session) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
      return { result: addToken(data, session, role, label, now) };
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
  async revokeToken(sessionId: string, tokenId: string): Promise<TokenInfo> {
    const info = await this.#writes.mutate((data, now) => ({ result: revokeToken(data, sessionId, tokenId, now) }));
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
  };
}
