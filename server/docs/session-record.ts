/**
 * The session record kept in the state doc besides follow-ups: the "now discussing" pointer with
 * real topic times, and authorship (client id → the name that client announced in its presence).
 */
import { REMOTE_ORIGIN } from './doc-bus.ts';
import { readAuthors, recordAuthor, contributors, type Author } from '../../shared/authorship.ts';
import { notesTexts } from '../../shared/doc-schema.ts';
import { readDiscussion, setDiscussing, type DiscussionState } from '../../shared/discussion.ts';
import { AppError } from '../../shared/errors.ts';
import type { MetaService } from '../meta/meta-service.ts';
import type { DocService } from './doc-service.ts';
import type { LiveDoc } from './live-doc.ts';
import type { Logger } from './peer.ts';
import type { SkipLog } from './skip-log.ts';

const MAX_NAME_CHARS = 100;
const COLOR = /^#[0-9a-fA-F]{3,8}$/;

export class SessionRecord {
  #meta: MetaService;
  #notes: DocService;
  #state: DocService;
  #log: Logger;
  #skips: SkipLog;

  constructor(meta: MetaService, notes: DocService, state: DocService, log: Logger, skips: SkipLog) {
    this.#meta = meta;
    this.#notes = notes;
    this.#state = state;
    this.#log = log;
    this.#skips = skips;
  }

  /** Points the room at `topicId` (null: no topic), ending the running topic's slot now. */
  async setDiscussing(sessionId: string, topicId: string | null): Promise<DiscussionState> {
    const session = this.#meta.getSession(sessionId);
    if (topicId !== null && !session.topics.some((t) => t.id === topicId)) {
      throw new AppError('NOT_FOUND', `Session "${sessionId}" has no topic "${topicId}".`);
    }
    return this.#state.withDoc(sessionId, (live) => {
      if (live.storageError) throw new AppError('STORAGE_UNAVAILABLE', 'The session cannot be stored right now; try again shortly.');
      setDiscussing(live.doc, topicId, new Date().toISOString());
      return readDiscussion(live.doc);
    });
  }

  discussion(sessionId: string): Promise<DiscussionState> {
    this.#meta.getSession(sessionId);
    return this.#state.withDoc(sessionId, (live) => readDiscussion(live.doc));
  }

  /** Names of everyone whose text is in the notes now (from real authorship, not presence). */
  async contributors(sessionId: string): Promise<string[]> {
    const authors = await this.#state.withDoc(sessionId, (live) => readAuthors(live.doc));
    return this.#notes.withDoc(sessionId, (live) => this.#skips.read(sessionId, (report) => contributors(notesTexts(live.doc, report), authors)));
  }

  /**
   * Follows a loaded notes doc's presence: whenever a peer announces `user.name` for its client
   * id, the name is recorded as that client's author in the state doc (batched per tick).
   */
  watchAuthors(notes: LiveDoc): void {
    const pending = new Map<number, Author>();
    let scheduled = false;
    const flush = (): void => {
      scheduled = false;
      const batch = [...pending];
      pending.clear();
      this.#state
        .withDoc(notes.sessionId, (live) => {
          live.doc.transact(() => {
            for (const [clientId, author] of batch) recordAuthor(live.doc, clientId, author);
          });
        })
        .catch((error: unknown) => this.#log.warn({ err: error, sessionId: notes.sessionId }, 'authorship could not be recorded'));
    };
    notes.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
      // Only presence set by this instance's own peers: another instance records its own.
      if (origin === null || origin === undefined || origin === REMOTE_ORIGIN) return;
      for (const clientId of [...added, ...updated]) {
        const user = (notes.awareness.getStates().get(clientId) as { user?: { name?: unknown; color?: unknown } } | undefined)?.user;
        if (typeof user?.name !== 'string' || user.name.trim() === '') continue;
        pending.set(clientId, {
          name: user.name.trim().slice(0, MAX_NAME_CHARS),
          ...(typeof user.color === 'string' && COLOR.test(user.color) ? { color: user.color } : {}),
        });
      }
      if (pending.size > 0 && !scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }
}

