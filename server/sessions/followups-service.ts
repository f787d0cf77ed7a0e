/**
 * Action items joined with their follow-up fields. Item text lives in the notes doc (anyone with
 * edit rights changes it); assignee, due date and status live in the session state doc, which
 * only the server writes, after the edge checked the caller is a lead.
 */
import { randomBytes } from 'node:crypto';
import type * as Y from 'yjs';
import { actionItemMaps, addActionItem, findSection, readableSections, readActionItem, readSections, sectionId } from '../../shared/doc-schema.ts';

import { AppError } from '../../shared/errors.ts';
import { applyAssignment, readFollowups, UNASSIGNED, type Assignment, type Followup, type FollowupStatus } from '../../shared/followups.ts';
import type { MetaService } from '../meta/meta-service.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { LiveDoc } from '../docs/live-doc.ts';
import type { SkipLog } from '../docs/skip-log.ts';

export interface FollowupFilter {
  assignee?: string;
  status?: FollowupStatus;
  session?: string;
}

export interface ItemPatch extends Partial<Assignment> {
  text?: string;
  done?: boolean;
}

export class FollowupsService {
  #meta: MetaService;
  #notes: DocService;
  #state: DocService;
  #skips: SkipLog;

  constructor(meta: MetaService, notes: DocService, state: DocService, skips: SkipLog) {
    this.#meta = meta;
    this.#notes = notes;
    this.#state = state;
    this.#skips = skips;
  }

  /** Every action item of a session with its follow-up fields, in topic and capture order. */
  async listSession(sessionId: string): Promise<Followup[]> {
    const session = this.#meta.getSession(sessionId);
    const sections = await this.#notes.withDoc(sessionId, (live) => this.#skips.read(sessionId, (report) => readSections(live.doc, report)));
    const entries = await this.#state.withDoc(sessionId, (live) => readFollowups(live.doc));
    return sections.flatMap((section) =>
      section.actions.map((item): Followup => {
        const entry = entries.get(item.id);
        return {
          ...item,
          eventId: session.eventId,
          sessionId,
          sessionTitle: session.title,
          topicId: section.id,
          topicTitle: section.title,
          assignee: entry?.assignee ?? UNASSIGNED.assignee,
          due: entry?.due ?? UNASSIGNED.due,
          status: entry?.status ?? UNASSIGNED.status,
          history: entry?.history ?? [],
          ...(entry?.carriedFrom ? { carriedFrom: entry.carriedFrom } : {}),
          ...(entry?.carriedTo ? { carriedTo: entry.carriedTo } : {}),
        };
      }),
    );
  }

  /** Follow-ups across the event's sessions (schedule order), filtered. Assignee matches name or email, case-insensitively. */
  async listEvent(eventId: string, filter: FollowupFilter = {}): Promise<Followup[]> {
    const sessions = this.#meta.sessionsOf(eventId).filter((s) => !filter.session || s.id === filter.session);
    const all: Followup[] = [];
    for (const session of sessions) all.push(...(await this.listSession(session.id)));
    const who = filter.assignee?.trim().toLowerCase();
    return all.filter(
      (f) =>
        (!filter.status || f.status === filter.status) &&
        (!who || f.assignee?.name.toLowerCase() === who || f.assignee?.email?.toLowerCase() === who),
    );
  }

  /** Captures an action item under a topic (a normal edit of the notes doc). */
  async addItem(sessionId: string, topicId: string, text: string, createdBy: string): Promise<Followup> {
    const id = randomBytes(8).toString('hex');
    await this.#notes.edit(sessionId, (live) => {
      const section = findSection(live.doc, topicId);
      if (!section) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no topic "${topicId}".`);
      // Only a doc broken after it was loaded (and repaired) lacks the list; the next load repairs it.
      if (addActionItem(section, { id, text, createdBy, createdAt: new Date().toISOString() }) === undefined) {
        throw new AppError('NOT_FOUND', `Topic "${topicId}" of session "${sessionId}" has no action list.`);
      }
    });
    return this.#get(sessionId, id);
  }

  /**
   * Changes an item: text/done in the notes doc, assignee/due/status in the state doc (one
   * history line per changed field). The caller has checked the role for each part.
   */
  async updateItem(sessionId: string, itemId: string, patch: ItemPatch, by: string): Promise<Followup> {
    const findOrFail = (live: LiveDoc): { topicId: string; item: Y.Map<unknown> } => {
      const found = findItem(live.doc, itemId);
      if (!found) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no action item "${itemId}".`);
      return found;
    };
    // Only a change to the notes doc needs it to be storable (assignments live in the state doc).
    const topicId =
      patch.text !== undefined || patch.done !== undefined
        ? await this.#notes.edit(sessionId, (live) => {
            const found = findOrFail(live);
            live.doc.transact(() => {
              if (patch.text !== undefined && readActionItem(found.item).text !== patch.text) found.item.set('text', patch.text);
              if (patch.done !== undefined && readActionItem(found.item).done !== patch.done) found.item.set('done', patch.done);
            });
            return found.topicId;
          })
        : await this.#notes.withDoc(sessionId, (live) => findOrFail(live).topicId);
    const assignment: Partial<Assignment> = {};
    if (patch.assignee !== undefined) assignment.assignee = patch.assignee;
    if (patch.due !== undefined) assignment.due = patch.due;
    if (patch.status !== undefined) assignment.status = patch.status;
    if (Object.keys(assignment).length > 0) {
      await this.#state.edit(sessionId, (live) => applyAssignment(live.doc, itemId, topicId, assignment, by, new Date().toISOString()));
    }
    return this.#get(sessionId, itemId);
  }

  async #get(sessionId: string, itemId: string): Promise<Followup> {
    const item = (await this.listSession(sessionId)).find((f) => f.id === itemId);
    if (!item) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no action item "${itemId}".`);
    return item;
  }
}

function findItem(doc: Y.Doc, itemId: string): { topicId: string; item: Y.Map<unknown> } | undefined {
  for (const section of readableSections(doc)) {
    for (const item of actionItemMaps(section)) {
      if (item.get('id') === itemId) return { topicId: sectionId(section)!, item };
    }
  }
  return undefined;
}
