// Over ~350 lines: one service owns the index's life (start-up check, live reindex, persistence, cluster fan-out, queries with read rules), whose timings depend on each other.
/**
 * Search across every event and session (issue #17). Keeps a SearchIndex up to date:
 *
 * - Live: every loaded notes and state doc is watched (`watch`, from the doc services' onLoaded);
 *   a change schedules that session's reindex `reindexDelayMs` after the FIRST change since the
 *   last reindex (a steady typist is indexed every delay, not never; many keystrokes, one reindex).
 * - Metadata: at most once a second, before a search, sessions whose metadata changed (imports,
 *   retitles) are reindexed and deleted ones dropped.
 * - Persisted: the index and, per session, the stored versions of the docs it was built from
 *   (DocStore.version: no doc content is read) are written to `file` (temp + fsync + rename) at
 *   most every `persistDelayMs` and at close. At start the file is loaded and then verified in the
 *   background: only sessions whose stored versions differ (edited after the last write, e.g.
 *   before a kill -9) are loaded and reindexed, with progress in the log. Searches are answered
 *   from the loaded index meanwhile.
 * - Cluster: an instance only hears updates of docs it has loaded, so after a reindex caused by a
 *   local edit the session id is announced on the `bus`; every other instance reindexes that
 *   session from the shared store.
 */
import fs from 'node:fs';
import type { Session } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { readExportSections } from '../../shared/export/read-doc.ts';
import { readFollowups } from '../../shared/followups.ts';
import { can } from '../../shared/roles.ts';
import { systemClock, type Clock, type Timer } from '../docs/clock.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { LiveDoc } from '../docs/live-doc.ts';
import type { Logger } from '../logger.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { REMOTE_ORIGIN } from '../storage/doc-store-port.ts';
import { writeFileDurably } from '../storage/durable-file.ts';
import { sessionDocuments, sessionMetaFingerprint, type SearchKind } from './search-documents.ts';
import { SearchIndex, type IndexHit, type MatchTier } from './search-index.ts';
import { SourceVersions } from './source-versions.ts';

/** How instances tell each other that a session's documents changed (cluster mode). */
export interface SearchBus {
  publish(sessionId: string): void;
  subscribe(listener: (sessionId: string) => void): void;
}

export interface SearchServiceOptions {
  /** Where the index is persisted; null keeps it in memory only. */
  file: string | null;
  reindexDelayMs: number;
  persistDelayMs: number;
  /** Most index terms one prefix expands to (default `PREFIX_MAX_TERMS`). */
  prefixMaxTerms?: number;
  log: Logger;
  bus?: SearchBus;
  clock?: Clock;
}

export interface SearchQuery {
  q: string;
  event?: string;
  session?: string;
  person?: string;
  kind?: SearchKind;
  status?: string;
  limit: number;
  /** Offset into the results, as returned in `nextCursor`. */
  cursor?: string;
}

export interface SearchResultItem {
  eventId: string;
  eventTitle: string;
  sessionId: string;
  sessionTitle: string;
  topicId?: string;
  topicTitle?: string;
  kind: SearchKind;
  itemId?: string;
  status?: string;
  snippet: string;
  score: number;
  archived?: boolean;
}

const META_CHECK_MS = 1_000;

export class SearchService {
  #meta: MetaService;
  #docs: DocService;
  #state: DocService;
  #access: AccessPolicy;
  #options: SearchServiceOptions;
  #clock: Clock;
  #index: SearchIndex;
  #timers = new Map<string, Timer>();
  #running = new Map<string, Promise<void>>();
  #again = new Set<string>();
  #persistTimer: Timer | null = null;
  #dirty = false;
  #metaCheckedAt = Number.NEGATIVE_INFINITY;
  #closed = false;
  #versions: SourceVersions;
  /** Resolves once the index loaded at start has been verified against every doc. */
  ready: Promise<void> = Promise.resolve();

  constructor(meta: MetaService, docs: DocService, state: DocService, access: AccessPolicy, options: SearchServiceOptions) {
    this.#meta = meta;
    this.#docs = docs;
    this.#state = state;
    this.#access = access;
    this.#options = options;
    this.#index = new SearchIndex({ prefixMaxTerms: options.prefixMaxTerms });
    this.#clock = options.clock ?? systemClock;
    this.#versions = new SourceVersions(docs, state);
    options.bus?.subscribe((sessionId) => {
      this.#versions.changed(sessionId);
      this.#schedule(sessionId, false);
    });
  }

  /** Loads the persisted index (if any) and starts verifying it against the docs. */
  start(): void {
    const file = this.#options.file;
    if (file && fs.existsSync(file)) {
      const loaded = SearchIndex.fromJSON(fs.readFileSync(file, 'utf8'), { prefixMaxTerms: this.#options.prefixMaxTerms });
      if (loaded) this.#index = loaded;
      else this.#options.log.warn({ file }, 'search index file unreadable; rebuilding the index');
    }
    this.ready = this.#verify().catch((error: unknown) => this.#options.log.error({ err: error }, 'search index verification failed'));
  }

  /** Follows a loaded doc's changes (either kind: notes or state). */
  watch(live: LiveDoc): void {
    this.#versions.loaded(live.sessionId);
    live.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      this.#versions.changed(live.sessionId);
      this.#schedule(live.sessionId, origin !== REMOTE_ORIGIN);
    });
  }

  /** Results the holder of `token` may read, best first, one page. */
  async search(query: SearchQuery, token: string | undefined): Promise<{ results: SearchResultItem[]; nextCursor?: string }> {
    await this.#checkMeta();
    const readable = this.#readableBy(token);
    // A cursor is "<tier>-<offset>": later pages match as widely as the first did.
    const [tierText, offsetText] = query.cursor ? query.cursor.split('-') : [];
    const offset = offsetText ? Number(offsetText) : 0;
    const { hits, more, tier } = this.#index.search(
      query.q,
      {
        readable,
        ...(query.event ? { eventId: query.event } : {}),
        ...(query.session ? { sessionId: query.session } : {}),
        ...(query.person ? { person: query.person } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      { offset, limit: query.limit, ...(tierText ? { tier: Number(tierText) as MatchTier } : {}) },
    );
    const results = hits.map((hit) => this.#result(hit)).filter((r): r is SearchResultItem => r !== null);
    return more ? { results, nextCursor: `${tier}-${offset + query.limit}` } : { results };
  }

  /** Reindexes one session now (tests, the CLI). */
  async reindex(sessionId: string): Promise<void> {
    await this.#run(sessionId, false);
  }

  get stats(): { sessions: number; documents: number } {
    return { sessions: this.#index.sessionCount, documents: this.#index.documentCount };
  }

  /** Stops reindexing and waits for running reindexes (they read docs: call it before the docs close). */
  async stop(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
    this.#persistTimer?.cancel();
    await Promise.all([...this.#running.values()]);
    await this.ready;
  }

  /** stop(), then writes the index. Called after the docs were stored and closed, the versions
   *  written are those of the files the next start finds (closing compacts a doc). */
  async close(): Promise<void> {
    await this.stop();
    if ((await this.#relabel()) || this.#dirty) await this.#persist();
  }

  #result(hit: IndexHit): SearchResultItem | null {
    const session = this.#meta.findSession(hit.doc.sessionId);
    if (!session) return null;
    let eventTitle = session.eventId;
    try {
      eventTitle = this.#meta.getEvent(session.eventId).event.title;
    } catch {
      // An event deleted under its sessions: show its id.
    }
    const archived = session.archived === true;
    return {
      eventId: session.eventId,
      eventTitle,
      sessionId: session.id,
      sessionTitle: session.title,
      ...(hit.doc.topicId ? { topicId: hit.doc.topicId } : {}),
      ...(hit.doc.topicTitle ? { topicTitle: hit.doc.topicTitle } : {}),
      kind: hit.doc.kind,
      ...(hit.doc.itemId ? { itemId: hit.doc.itemId } : {}),
      ...(hit.doc.status ? { status: hit.doc.status } : {}),
      snippet: hit.snippet,
      score: hit.score,
      ...(archived ? { archived: true } : {}),
    };
  }

  /** The notes read rule, per session (server/meta/access-policy.ts): a link grants only its own
   *  session; no token reads what anonymous readers may. Memoised for one search. */
  #readableBy(token: string | undefined): (sessionId: string) => boolean {
    if (this.#access.isAdmin(token)) return () => true;
    // An unknown or revoked link is refused, as on every route, never silently read as anonymous.
    if (token !== undefined && !this.#meta.findToken(token)) throw new AppError('FORBIDDEN', 'This link is not valid (revoked, or unknown).');
    const known = new Map<string, boolean>();
    return (sessionId) => {
      let readable = known.get(sessionId);
      if (readable === undefined) {
        try {
          readable = can(this.#access.inSession(sessionId, token).role, 'read');
        } catch {
          readable = false;
        }
        known.set(sessionId, readable);
      }
      return readable;
    };
  }

  #allSessions(): Session[] {
    return this.#meta.listEvents().flatMap((event) => this.#meta.sessionsOf(event.id));
  }

  /** Reindexes sessions whose metadata changed, drops deleted ones (at most once a second). */
  async #checkMeta(): Promise<void> {
    const now = this.#clock.now();
    if (now - this.#metaCheckedAt < META_CHECK_MS) return;
    this.#metaCheckedAt = now;
    const sessions = this.#allSessions();
    const ids = new Set(sessions.map((s) => s.id));
    for (const id of this.#index.sessionIds()) {
      if (!ids.has(id)) {
        this.#index.removeSession(id);
        this.#markDirty();
      }
    }
    const changed = sessions.filter((s) => this.#index.source(s.id)?.meta !== sessionMetaFingerprint(s));
    // A few (an import, a retitle) are awaited so the answer includes them; a start's worth is left to #verify.
    const waits = changed.map((s) => this.#run(s.id, false));
    if (changed.length <= 20) await Promise.all(waits);
  }

  async #verify(): Promise<void> {
    const started = this.#clock.now();
    const sessions = this.#allSessions();
    const ids = new Set(sessions.map((s) => s.id));
    for (const id of this.#index.sessionIds()) if (!ids.has(id)) this.#index.removeSession(id);
    let reindexed = 0;
    for (const [i, session] of sessions.entries()) {
      if (this.#closed) return;
      const known = this.#index.source(session.id);
      const seen = this.#versions.count(session.id);
      // Versions only: no doc is loaded unless it changed since the index was written.
      const now = known ? await this.#versions.read(session.id).catch(() => null) : null;
      if (!known || !now || known.notes !== now.notes || known.state !== now.state || known.meta !== sessionMetaFingerprint(session)) {
        await this.#run(session.id, false);
        reindexed++;
      } else this.#versions.indexed(session.id, seen);
      if ((i + 1) % 100 === 0) this.#options.log.info({ checked: i + 1, of: sessions.length, reindexed }, 'search index: verifying');
    }
    this.#metaCheckedAt = this.#clock.now();
    this.#options.log.info({ sessions: sessions.length, reindexed, ms: this.#clock.now() - started }, 'search index ready');
  }

  /** Relabels clean sessions with their current versions (not in cluster mode: see SourceVersions). */
  #relabel(): Promise<boolean> {
    if (this.#options.bus) return Promise.resolve(false);
    return this.#versions.relabelClean(this.#index, (sessionId) => this.#running.has(sessionId) || this.#timers.has(sessionId));
  }

  #schedule(sessionId: string, announce: boolean): void {
    if (this.#closed || this.#timers.has(sessionId)) return;
    this.#timers.set(
      sessionId,
      this.#clock.setTimeout(() => {
        this.#timers.delete(sessionId);
        void this.#run(sessionId, announce);
      }, this.#options.reindexDelayMs),
    );
  }

  /** One reindex of a session at a time; a request during one runs once more after it. */
  #run(sessionId: string, announce: boolean): Promise<void> {
    // Once stopping, no new read of the docs: they are being stored and closed.
    if (this.#closed) return Promise.resolve();
    const running = this.#running.get(sessionId);
    if (running) {
      this.#again.add(sessionId);
      return running;
    }
    const promise = this.#reindexNow(sessionId)
      .then(() => {
        if (announce) this.#options.bus?.publish(sessionId);
      })
      .catch((error: unknown) => this.#options.log.warn({ err: error, sessionId }, 'session could not be reindexed'))
      .finally(() => {
        this.#running.delete(sessionId);
        if (this.#again.delete(sessionId) && !this.#closed) void this.#run(sessionId, announce);
      });
    this.#running.set(sessionId, promise);
    return promise;
  }

  async #reindexNow(sessionId: string): Promise<void> {
    const session = this.#meta.findSession(sessionId);
    if (!session) {
      this.#index.removeSession(sessionId);
      this.#markDirty();
      return;
    }
    // Versions (and the change count) BEFORE the docs: why in source-versions.ts.
    const seen = this.#versions.count(sessionId);
    const versions = await this.#versions.read(sessionId).catch(() => ({ notes: null, state: null }));
    const followups = await this.#state.withDoc(sessionId, (live) => readFollowups(live.doc));
    const sections = await this.#docs.withDoc(sessionId, (live) => readExportSections(live.doc, followups));
    this.#index.setSession(sessionId, sessionDocuments(session, sections), { ...versions, meta: sessionMetaFingerprint(session) });
    this.#versions.indexed(sessionId, seen);
    this.#markDirty();
  }

  #markDirty(): void {
    this.#dirty = true;
    if (!this.#options.file || this.#persistTimer || this.#closed) return;
    this.#persistTimer = this.#clock.setTimeout(() => {
      this.#persistTimer = null;
      void this.#persist();
    }, this.#options.persistDelayMs);
  }

  async #persist(): Promise<void> {
    const file = this.#options.file;
    if (!file) return;
    this.#dirty = false;
    await this.#relabel();
    try {
      await writeFileDurably(file, Buffer.from(this.#index.toJSON()));
    } catch (error) {
      this.#dirty = true;
      this.#options.log.error({ err: error, file }, 'search index could not be written; kept in memory, retried');
      this.#markDirty();
    }
  }
}
