/**
 * The session record kept in the state doc besides follow-ups: the "now discussing" pointer with
 * real topic times, and authorship (client id → the name its writer announced in its presence).
 */
import { AuthorshipRecorder, type AuthorshipOptions } from './authorship-recorder.ts';
import { readAuthors, contributors } from '../../shared/authorship.ts';
import { notesTexts } from '../../shared/doc-schema.ts';
import { readDiscussion, setDiscussing, type DiscussionState } from '../../shared/discussion.ts';
import { AppError } from '../../shared/errors.ts';
import type { MetaService } from '../meta/meta-service.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { LiveDoc } from '../docs/live-doc.ts';
import type { Logger } from '../logger.ts';
import type { SkipLog } from '../docs/skip-log.ts';

export class SessionRecord {
  #meta: MetaService;
  #notes: DocService;
  #state: DocService;
  #authorship: AuthorshipRecorder;
  #skips: SkipLog;

  constructor(meta: MetaService, notes: DocService, state: DocService, log: Logger, authorship: AuthorshipOptions, skips: SkipLog) {
    this.#meta = meta;
    this.#notes = notes;
    this.#state = state;
    this.#authorship = new AuthorshipRecorder(state, log, authorship);
    this.#skips = skips;
  }

  /** Points the room at `topicId` (null: no topic), ending the running topic's slot now. */
  async setDiscussing(sessionId: string, topicId: string | null): Promise<DiscussionState> {
    const session = this.#meta.getSession(sessionId);
    if (topicId !== null && !session.topics.some((t) => t.id === topicId)) {
      throw new AppError('NOT_FOUND', `Session "${sessionId}" has no topic "${topicId}".`);
    }
    return this.#state.edit(sessionId, (live) => {
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

  /** Records the authors of a loaded notes doc's text as they write (authorship-recorder.ts). */
  watchAuthors(notes: LiveDoc): void {
    this.#authorship.watch(notes);
  }
}

