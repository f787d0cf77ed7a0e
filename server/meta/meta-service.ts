/**
 * Events, sessions and their topic lists: reads from memory, writes through the metadata store.
 * Every change is computed on a copy and saved before it becomes visible, so a failed or invalid
 * import leaves nothing half-written.
 */
import type { ConferenceEvent, Session, SessionDraft, Topic } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { isValidId, slugify, uniqueId } from '../../shared/ids.ts';
import type { ParticipantAccess, TokenRole } from '../../shared/roles.ts';
import { META_SCHEMA_VERSION, type MetaData, type MetaStore } from '../storage/meta-store.ts';
import { hashToken, newToken, newTokenId, tokenInfo, type TokenInfo, type TokenRecord } from './tokens.ts';

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
}

type TopicsListener = (session: Session) => void;

/** Orders sessions by schedule start (unscheduled last), then by creation. */
function scheduleOrder(a: Session, b: Session): number {
  const sa = a.schedule?.start ?? '\uffff';
  const sb = b.schedule?.start ?? '\uffff';
  return sa < sb ? -1 : sa > sb ? 1 : a.createdAt.localeCompare(b.createdAt);
}

export class MetaService {
  #data: MetaData;
  #store: MetaStore;
  #writes: Promise<void> = Promise.resolve();
  #topicsListeners = new Set<TopicsListener>();
  #revokeListeners = new Set<(info: TokenInfo) => void>();
  /** Live (not revoked) tokens by hash. */
  #tokensByHash = new Map<string, TokenRecord>();
  /** True when the store held nothing at open (first start: seed it). */
  readonly isFresh: boolean;

  private constructor(store: MetaStore, data: MetaData | null) {
    this.#store = store;
    this.isFresh = data === null;
    this.#data = data ?? { version: META_SCHEMA_VERSION, events: [], sessions: [] };
    this.#indexTokens();
  }

  /** Loads the metadata from `store`. */
  static async open(store: MetaStore): Promise<MetaService> {
    return new MetaService(store, await store.load());
  }

  /** Called after a session gains topics (an import appended to it). */
  onTopicsAdded(listener: TopicsListener): () => void {
    this.#topicsListeners.add(listener);
    return () => this.#topicsListeners.delete(listener);
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
    return this.#mutate((data, now) => applyImport(data, eventId, drafts, options, now));
  }

  /** How the event lets people in without a link ('open' unless set). */
  participantAccess(eventId: string): ParticipantAccess {
    return this.#data.events.find((e) => e.id === eventId)?.participantAccess ?? 'open';
  }

  /** Sets whether anyone may edit the event's sessions ('open') or only edit links ('link'). */
  setParticipantAccess(eventId: string, access: ParticipantAccess): Promise<void> {
    return this.#mutate((data) => {
      const event = data.events.find((e) => e.id === eventId);
      if (!event) throw new AppError('EVENT_NOT_FOUND', `No event with id "${eventId}".`);
      event.participantAccess = access;
      return { result: undefined };
    });
  }

  /** The live token record of `token`, or undefined (unknown or revoked). */
  findToken(token: string): TokenRecord | undefined {
    const record = this.#tokensByHash.get(hashToken(token));
    return record && { ...record };
  }

  /** Creates a link for a session; the token is returned here only. */
  createToken(sessionId: string, role: TokenRole, label: string): Promise<{ info: TokenInfo; token: string }> {
    return this.#mutate((data, now) => {
      const session = data.sessions.find((s) => s.id === sessionId);
      if (!session) throw new AppError('SESSION_NOT_FOUND', `No session with id "${sessionId}".`);
      return { result: addToken(data, session, role, label, now) };
    });
  }

  /** The session's links, newest first, without secrets. */
  listTokens(sessionId: string): TokenInfo[] {
    this.getSession(sessionId);
    return (this.#data.tokens ?? []).filter((t) => t.sessionId === sessionId).map(tokenInfo).reverse();
  }

  /** Called after a link is revoked (the WebSocket edge closes its open connections). */
  onTokenRevoked(listener: (info: TokenInfo) => void): () => void {
    this.#revokeListeners.add(listener);
    return () => this.#revokeListeners.delete(listener);
  }

  /** Revokes a link: it stops working at once, for new and open connections. */
  async revokeToken(sessionId: string, tokenId: string): Promise<TokenInfo> {
    const info = await this.#mutate((data, now) => {
      const record = (data.tokens ?? []).find((t) => t.sessionId === sessionId && t.id === tokenId);
      if (!record) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no link "${tokenId}".`);
      record.revokedAt ??= now;
      return { result: tokenInfo(record) };
    });
    for (const listener of this.#revokeListeners) listener(info);
    return info;
  }

  #indexTokens(): void {
    this.#tokensByHash = new Map((this.#data.tokens ?? []).filter((t) => !t.revokedAt).map((t) => [t.hash, t]));
  }

  /** Runs `change` on a copy, saves it, then publishes it; writes run one at a time. */
  #mutate<T>(change: (data: MetaData, now: string) => Mutation<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.#data);
      const outcome = change(draft, new Date().toISOString());
      await this.#store.save(draft);
      this.#data = draft;
      this.#indexTokens();
      const { result, changed = [] } = outcome;
      for (const session of changed) for (const listener of this.#topicsListeners) listener(structuredClone(session));
      return result;
    };
    const next = this.#writes.then(run, run);
    this.#writes = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

/** What a change computed, and the sessions whose topics it added to (their docs get sections). */
interface Mutation<T> {
  result: T;
  changed?: Session[];
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

function applyImport(
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
    if (!id) throw new AppError('IMPORT_INVALID', `Session ${index + 1} has neither an id nor a title (pass ?title= or ?sessionId=).`);
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

function addToken(data: MetaData, session: Session, role: TokenRole, label: string, now: string): { info: TokenInfo; token: string } {
  const { token, hash } = newToken();
  const record: TokenRecord = { id: newTokenId(), eventId: session.eventId, sessionId: session.id, role, label, hash, createdAt: now };
  (data.tokens ??= []).push(record);
  return { info: tokenInfo(record), token };
}
