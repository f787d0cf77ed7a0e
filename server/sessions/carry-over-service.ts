/**
 * Carry-over of follow-ups from a session's predecessor (issue #17): lists the predecessor's open
 * and in-progress follow-ups and its decisions, and carries one over as a new action item of this
 * session, linked both ways in the state docs (`carriedFrom` on the new item, `carriedTo` on the
 * original; the notes docs gain no new fields, so the schema guard stays as it is).
 *
 * Invariant: an item is carried at most once. It is reserved first in the metadata (`carried`, one
 * metadata write: atomic on one instance and, through the shared store's optimistic writes, across
 * a cluster), then linked in one synchronous edit of the predecessor's state doc (check and write
 * together). If creating the new item then fails, both are undone.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { addActionItem, findSection, readSections } from '../../shared/doc-schema.ts';
import type { Session, SessionRef } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { applyAssignment, setCarryLink, type CarryLink, type Followup } from '../../shared/followups.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { MetaService } from '../meta/meta-service.ts';
import type { FollowupsService } from './followups-service.ts';

/** The topic a carried item goes to when no topic of the session has the original's topic title. */
export const FROM_LAST_TIME_TITLE = 'From last time';

export interface CarryOverDecision {
  topicId: string;
  topicTitle: string;
  text: string;
  agreed?: boolean;
}

export interface CarryOverList {
  sessionId: string;
  previous: (SessionRef & { title: string }) | null;
  items: Followup[];
  decisions: CarryOverDecision[];
}

/** Title comparison for topic matching: case- and space-insensitive. */
export const topicKey = (title: string): string => title.trim().replace(/\s+/g, ' ').toLowerCase();

const isOpen = (item: Followup): boolean => !item.done && (item.status === 'open' || item.status === 'in-progress');

export class CarryOverService {
  #meta: MetaService;
  #notes: DocService;
  #state: DocService;
  #followups: FollowupsService;

  constructor(meta: MetaService, notes: DocService, state: DocService, followups: FollowupsService) {
    this.#meta = meta;
    this.#notes = notes;
    this.#state = state;
    this.#followups = followups;
  }

  /** The predecessor's open and in-progress follow-ups and its decisions (empty without `previous`). */
  async list(sessionId: string): Promise<CarryOverList> {
    const predecessor = this.#predecessor(this.#meta.getSession(sessionId));
    if (!predecessor) return { sessionId, previous: null, items: [], decisions: [] };
    const items = (await this.#followups.listSession(predecessor.id)).filter(isOpen);
    const decisions = await this.#notes.withDoc(predecessor.id, (live) => readDecisions(live.doc));
    return { sessionId, previous: { eventId: predecessor.eventId, sessionId: predecessor.id, title: predecessor.title }, items, decisions };
  }

  /**
   * Carries the predecessor's action item `actionId` over: a new item with its text, assignee and
   * due date in the topic of the same title, else in "From last time" (added as a topic when
   * missing). Throws BAD_REQUEST without a predecessor or for a closed item, NOT_FOUND for an
   * unknown item, ALREADY_CARRIED when it was carried before.
   */
  async carry(sessionId: string, actionId: string, by: string): Promise<Followup> {
    const session = this.#meta.getSession(sessionId);
    const predecessor = this.#predecessor(session);
    if (!predecessor) throw new AppError('BAD_REQUEST', `Session "${sessionId}" names no previous session to carry follow-ups from.`);
    const original = (await this.#followups.listSession(predecessor.id)).find((item) => item.id === actionId);
    if (!original) throw new AppError('NOT_FOUND', `Session "${predecessor.id}" has no action item "${actionId}".`);
    if (original.carriedTo) throw alreadyCarried(original.carriedTo);
    if (!isOpen(original)) throw new AppError('BAD_REQUEST', `Action item "${actionId}" is ${original.done ? 'done' : original.status}; only open and in-progress items are carried over.`);
    const topicId = await this.#targetTopic(session, original.topicTitle);
    const newId = randomBytes(8).toString('hex');
    const to: CarryLink = { eventId: session.eventId, sessionId, actionId: newId };
    const from: CarryLink = { eventId: predecessor.eventId, sessionId: predecessor.id, actionId };
    // Once only, cluster-wide: the metadata record first (atomic across instances), then the link.
    await this.#meta.reserveCarry(predecessor.id, actionId, to);
    const linked = await this.#state
      .edit(predecessor.id, (live) => setCarryLink(live.doc, actionId, original.topicId, 'carriedTo', to), { durable: true })
      .catch(async (error: unknown) => {
        await this.#meta.releaseCarry(predecessor.id, actionId);
        throw error;
      });
    if (!linked) {
      // Linked before the metadata kept a record: the link is the truth.
      await this.#meta.releaseCarry(predecessor.id, actionId);
      const current = (await this.#followups.listSession(predecessor.id)).find((item) => item.id === actionId);
      throw alreadyCarried(current?.carriedTo ?? to);
    }
    try {
      await this.#notes.edit(sessionId, (live) => {
        const section = findSection(live.doc, topicId);
        if (!section || addActionItem(section, { id: newId, text: original.text, createdBy: by, createdAt: new Date().toISOString() }) === undefined) {
          throw new AppError('NOT_FOUND', `Topic "${topicId}" of session "${sessionId}" has no action list.`);
        }
      });
      await this.#state.edit(
        sessionId,
        (live) =>
          live.doc.transact(() => {
            setCarryLink(live.doc, newId, topicId, 'carriedFrom', from);
            applyAssignment(live.doc, newId, topicId, { assignee: original.assignee, due: original.due }, by, new Date().toISOString());
          }),
        { durable: true },
      );
    } catch (error) {
      await this.#state.edit(predecessor.id, (live) => setCarryLink(live.doc, actionId, original.topicId, 'carriedTo', null), { durable: true });
      await this.#meta.releaseCarry(predecessor.id, actionId);
      throw error;
    }
    const created = (await this.#followups.listSession(sessionId)).find((item) => item.id === newId);
    if (!created) throw new AppError('NOT_FOUND', `The carried item "${newId}" is gone.`);
    return created;
  }

  #predecessor(session: Session): Session | undefined {
    const ref = session.previous;
    if (!ref) return undefined;
    const found = this.#meta.findSession(ref.sessionId);
    return found && found.eventId === ref.eventId ? found : undefined;
  }

  /** The id of the topic titled like `title`, else of "From last time" (added when missing), once its section exists. */
  async #targetTopic(session: Session, title: string): Promise<string> {
    const findFallback = (s: Session): string | undefined => s.topics.find((topic) => topicKey(topic.title) === topicKey(FROM_LAST_TIME_TITLE))?.id;
    let topicId = session.topics.find((topic) => topicKey(topic.title) === topicKey(title))?.id ?? findFallback(session);
    if (!topicId) {
      // An import merges by title: two concurrent carries add the topic once.
      await this.#meta.importSessions(session.eventId, [{ id: session.id, topics: [{ title: FROM_LAST_TIME_TITLE }] }]);
      topicId = findFallback(this.#meta.getSession(session.id))!;
    }
    // A new topic's section is added to a loaded doc asynchronously (on the cluster leader), also
    // for a topic another route added just before.
    for (let attempt = 0; attempt < 40; attempt++) {
      if (await this.#notes.withDoc(session.id, (live) => findSection(live.doc, topicId) !== undefined)) return topicId;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new AppError('SERVER_BUSY', `The "${FROM_LAST_TIME_TITLE}" section of session "${session.id}" is not there yet; try again.`);
  }
}

function alreadyCarried(to: CarryLink): AppError {
  return new AppError('ALREADY_CARRIED', `This follow-up was already carried over to ${to.eventId}/${to.sessionId}.`);
}

/** The decisions of a doc (readers skip what does not fit the schema), with their topic. */
export function readDecisions(doc: Y.Doc): CarryOverDecision[] {
  return readSections(doc).flatMap((section) =>
    section.decisions
      .filter((decision) => decision.text.trim() !== '')
      .map((decision) => ({ topicId: section.id, topicTitle: section.title || section.id, text: decision.text, agreed: decision.agreedBy !== undefined })),
  );
}
