/**
 * Writes exported notes, action items and decisions back into a session doc (JSON export → import, i.e.
 * backup and restore). Pure functions over a Y.Doc, and the two service calls that run them on a
 * live doc through DocService.edit, so the write is a normal edit: logged before it is relayed,
 * and seen by connected clients.
 */
import * as Y from 'yjs';
import { AppError } from '../../shared/errors.ts';
import type { DocService } from '../docs/doc-service.ts';
import {
  actionItemMaps,
  decisionItemMaps,
  isSectionMap,
  readableSections,
  SectionKey,
  sectionActions,
  sectionDecisions,
  sectionId,
  sectionNotes,
  topicSections,
  type SectionMap,
} from '../../shared/doc-schema.ts';
import { restoreDiscussionLog } from '../../shared/discussion.ts';
import type { DiscussedSlot, ExportAction, ExportDecision } from '../../shared/export/model.ts';
import { applyAssignment, FOLLOWUP_STATUSES, type Assignment, type FollowupStatus } from '../../shared/followups.ts';

/** What a restore writes into one topic section. */
export interface RestoreSection {
  id: string;
  title: string;
  notes: string;
  actions: ExportAction[];
  /** Decisions with their agreement (issue #17); none when absent. */
  decisions?: ExportDecision[];
  /** When the topic was really discussed (restored into the state doc's discussion log). */
  discussed?: DiscussedSlot[];
}

export interface RestoreOutcome {
  /** Topic ids whose notes or actions were written. */
  restored: string[];
  /** Topic ids of the export that have no section in the doc (nothing written for them). */
  missing: string[];
}

/** True when any section has notes, action items or decisions (a restore would mix two histories). */
export function docHasContent(doc: Y.Doc): boolean {
  // Every section with content counts, duplicates and id-less ones included: a restore must not mix.
  return topicSections(doc)
    .toArray()
    .some((entry) => isSectionMap(entry) && ((sectionNotes(entry)?.length ?? 0) > 0 || actionItemMaps(entry).length > 0 || decisionItemMaps(entry).length > 0));
}

/** Finds the section for an exported topic: by id, else by title (an import may have matched an
 *  existing topic by title). */
function sectionFor(doc: Y.Doc, topic: RestoreSection): SectionMap | undefined {
  const sections = readableSections(doc);
  return (
    sections.find((s) => sectionId(s) === topic.id) ??
    sections.find((s) => String(s.get(SectionKey.title) ?? '').trim().toLowerCase() === topic.title.trim().toLowerCase())
  );
}

/** Writes every topic's notes and action items in one transaction. The caller checked emptiness. */
export function writeSections(doc: Y.Doc, topics: readonly RestoreSection[], origin: unknown = null): RestoreOutcome {
  const restored: string[] = [];
  const missing: string[] = [];
  doc.transact(() => {
    for (const topic of topics) {
      const decided = topic.decisions ?? [];
      if (topic.notes === '' && topic.actions.length === 0 && decided.length === 0) continue;
      const section = sectionFor(doc, topic);
      const notes = section && sectionNotes(section);
      const actions = section && sectionActions(section);
      const decisions = section && sectionDecisions(section);
      // A section whose notes, action or decision list is broken is repaired on the next load: restore then.
      if (!notes || !actions || (!decisions && decided.length > 0)) {
        missing.push(topic.id);
        continue;
      }
      if (topic.notes !== '') notes.insert(0, topic.notes);
      if (topic.actions.length > 0) actions.push(topic.actions.map(actionMap));
      if (decided.length > 0) decisions!.push(decided.map(decisionMap));
      restored.push(topic.id);
    }
  }, origin);
  return { restored, missing };
}

function actionMap(action: ExportAction): Y.Map<unknown> {
  const item = new Y.Map<unknown>();
  item.set('id', action.id);
  item.set('text', action.text);
  item.set('done', action.done);
  item.set('createdBy', action.createdBy);
  item.set('createdAt', action.createdAt);
  return item;
}

/** A decision map as the server writes it: with its agreement, if it had one. */
function decisionMap(decision: ExportDecision): Y.Map<unknown> {
  const item = new Y.Map<unknown>();
  item.set('id', decision.id);
  item.set('text', decision.text);
  item.set('createdBy', decision.createdBy);
  item.set('createdAt', decision.createdAt);
  if (decision.agreed && decision.agreedBy) {
    item.set('agreedBy', decision.agreedBy);
    item.set('agreedAt', decision.agreedAt ?? '');
  }
  return item;
}

/**
 * Writes what the session state doc held into it: the follow-up fields (assignee, due, status) of
 * restored action items, one history line each attributed to the restore, and the discussion log.
 */
export function writeSessionState(stateDoc: Y.Doc, topics: readonly RestoreSection[], at: string): number {
  let written = 0;
  stateDoc.transact(() => {
    for (const topic of topics) {
      for (const action of topic.actions) {
        const patch: Partial<Assignment> = {};
        if (action.assignee) patch.assignee = { ...action.assignee };
        if (action.due) patch.due = action.due;
        if (FOLLOWUP_STATUSES.includes(action.status as FollowupStatus) && action.status !== 'open') patch.status = action.status as FollowupStatus;
        if (Object.keys(patch).length === 0) continue;
        applyAssignment(stateDoc, action.id, topic.id, patch, 'restored from an export', at);
        written++;
      }
    }
    written += restoreDiscussionLog(stateDoc, topics.flatMap((topic) => (topic.discussed ?? []).map((slot) => ({ topicId: topic.id, ...slot }))));
  });
  return written;
}

/** True when the session's notes doc has any notes or action items (loading it if needed). */
export function notesHaveContent(docs: DocService, sessionId: string): Promise<boolean> {
  return docs.withDoc(sessionId, (live) => docHasContent(live.doc));
}

/**
 * Restores exported notes and action items into a session's notes doc as one normal edit, stored
 * durably before it resolves. Refuses with SESSION_NOT_EMPTY when the doc already has notes or
 * action items: a restore never merges into live notes.
 */
export function restoreNotes(docs: DocService, sessionId: string, topics: readonly RestoreSection[]): Promise<RestoreOutcome> {
  return docs.edit(
    sessionId,
    (live) => {
      if (docHasContent(live.doc)) {
        throw new AppError('SESSION_NOT_EMPTY', `Session "${sessionId}" already has notes or action items; restore into a new or empty session.`);
      }
      return writeSections(live.doc, topics);
    },
    { durable: true },
  );
}
