/**
 * Events, sessions and their topic lists: reads from memory, writes through the metadata store.
 * Every change is computed on a copy and saved before it becomes visible, so a failed or invalid
 * import leaves nothing half-written. Over a shared store (cluster mode, issue #8) a change is
 * computed on the latest stored data and saved only if nobody saved meanwhile (else retried), and
 * other instances' saves are reloaded and announced to the same listeners as local ones.
 */
import type { ConferenceEvent, Session, SessionDraft, Topic } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { isValidId, slugify, uniqueId } from '../../shared/ids.ts';
import type { ParticipantAccess, TokenRole } from '../../shared/roles.ts';
import { isSharedMetaStore, META_SCHEMA_VERSION, type MetaData, type MetaStore, type SharedMetaStore } from '../storage/meta-store.ts';
import { metaChanges } from './meta-changes.ts';
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

export interface MetaServiceOptions {
  /** Reports a failed reload of another instance's change (shared store only; default: console). */
  onReloadError?: (error: unknown) => void;
}

/** Saves over a shared store that lose the race this often in a row give up (a write storm). */
const MAX_SHARED_SAVE_ATTEMPTS = 20;

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
  #closedListeners = new Set<(eventId: string) => void>();
  /** Live (not revoked) tokens by hash. */
  #tokensByHash = new Map<string, TokenRecord>();
  /** Shared store only: the stored revision `#data` is, and the notice subscription. */
  #revision = 0;
  #stopListening: (() => void) | null = null;
  #reloadQueued = false;
  #onReloadError: (error: unknown) => void;
  /** True when the store held nothing at open (first start: seed it). Over a shared store several
   *  instances may all start fresh; seeding stays single because imports merge by id and each
   *  retry computes on the data another instance saved first. */
  readonly isFresh: boolean;

  private constructor(store: MetaStore, data: MetaData | null, options: MetaServiceOptions) {
    this.#store = store;
    this.isFresh = data === null;
    this.#data = data ?? { version: META_SCHEMA_VERSION, events: [], sessions: [] };
    this.#onReloadError = options.onReloadError ?? ((error) => console.error('mcpad: reloading shared metadata failed', error));
    this.#indexTokens();
  }

  /** Loads the metadata from `store`; over a shared store, follows other instances' saves until `close()`. */
  static async open(store: MetaStore, options: MetaServiceOptions = {}): Promise<MetaService> {
    if (!isSharedMetaStore(store)) return new MetaService(store, await store.load(), options);
    // Listen before loading: a save between the load and the constructor would go unheard.
    let service: MetaService | null = null;
    let missed = false;
    const stopListening = store.onRemoteChange(() => (service ? service.#queueReload(store) : (missed = true)));
    try {
      const { data, revision } = await store.loadRevision();
      service = new MetaService(store, data, options);
      service.#revision = revision;
    } catch (error) {
      stopListening();
      throw error;
    }
    service.#stopListening = stopListening;
    if (missed) service.#queueReload(store);
    return service;
  }

  /** Stops following other instances and waits for queued writes (the store stays open). */
  async close(): Promise<void> {
    this.#stopListening?.();
    this.#stopListening = null;
    await this.#writes;
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
  async setParticipantAccess(eventId: string, access: ParticipantAccess): Promise<void> {
    const closed = await this.#mutate((data) => {
      const event = data.events.find((e) => e.id === eventId);
      if (!event) throw new AppError('EVENT_NOT_FOUND', `No event with id "${eventId}".`);
      const wasOpen = (event.participantAccess ?? 'open') === 'open';
      event.participantAccess = access;
      return { result: wasOpen && access === 'link' };
    });
    if (closed) for (const listener of this.#closedListeners) listener(eventId);
  }

  /** Called after an event's participant access went from open to link (anonymous editors must
   *  lose write access on open connections too; the WebSocket edge closes them). */
  onEventClosed(listener: (eventId: string) => void): () => void {
    this.#closedListeners.add(listener);
    return () => this.#closedListeners.delete(listener);
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
  #mutate<T>(change: Change<T>): Promise<T> {
    const store = this.#store;
    if (isSharedMetaStore(store)) return this.#serial(() => this.#commitShared(store, change));
    return this.#serial(async () => {
      const draft = structuredClone(this.#data);
      const outcome = change(draft, new Date().toISOString());
      await store.save(draft);
      return this.#publish(draft, outcome);
    });
  }

  /** Makes a saved draft visible and tells listeners which sessions gained topics. */
  #publish<T>(draft: MetaData, { result, changed = [] }: Mutation<T>): T {
    this.#data = draft;
    this.#indexTokens();
    for (const session of changed) for (const listener of this.#topicsListeners) listener(structuredClone(session));
    return result;
  }

  /** Optimistic write: compute on the latest stored data, save unless another instance saved
   *  since, else take that in and compute again. */
  async #commitShared<T>(store: SharedMetaStore, change: Change<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const latest = await store.loadRevision();
      this.#adopt(latest);
      const draft = structuredClone(this.#data);
      const outcome = change(draft, new Date().toISOString());
      // Based on the revision Redis holds; if Redis lost everything, #data is still our copy
      // (see #adopt), and this save writes it back instead of computing on nothing.
      const saved = await store.saveIfCurrent(draft, latest.revision);
      if (saved.saved) {
        this.#revision = saved.revision;
        return this.#publish(draft, outcome);
      }
      if (attempt === MAX_SHARED_SAVE_ATTEMPTS) {
        throw new AppError('STORAGE_UNAVAILABLE', `Metadata changed under this write ${attempt} times in a row; try again.`);
      }
      // Jitter, so instances that collided do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  /** Reloads after another instance's save; queued with the writes, and coalesced. */
  #queueReload(store: SharedMetaStore): void {
    if (this.#reloadQueued) return;
    this.#reloadQueued = true;
    this.#serial(async () => {
      this.#reloadQueued = false;
      this.#adopt(await store.loadRevision());
    }).catch((error: unknown) => this.#onReloadError(error));
  }

  /**
   * Takes in stored data another instance saved and announces what it changed. Loads and saves
   * run one at a time, so a stored revision other than ours is newer (or Redis was reset; then an
   * empty store does not wipe our copy, and the next write puts it back).
   */
  #adopt({ data, revision }: { data: MetaData | null; revision: number }): void {
    if (data === null || revision === this.#revision) return;
    const { topicsAdded, revoked, closedEvents } = metaChanges(this.#data, data);
    this.#data = data;
    this.#revision = revision;
    this.#indexTokens();
    // A throwing listener must not stop the others, nor fail the local write that triggered this.
    const call = (listener: () => void): void => {
      try {
        listener();
      } catch (error) {
        this.#onReloadError(error);
      }
    };
    for (const session of topicsAdded) for (const listener of this.#topicsListeners) call(() => listener(structuredClone(session)));
    for (const info of revoked) for (const listener of this.#revokeListeners) call(() => listener({ ...info }));
    for (const eventId of closedEvents) for (const listener of this.#closedListeners) call(() => listener(eventId));
  }

  /** Runs `run` after every queued write or reload, whatever their outcome. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(run, run);
    this.#writes = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

type Change<T> = (data: MetaData, now: string) => Mutation<T>;

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
