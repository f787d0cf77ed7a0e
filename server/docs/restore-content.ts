/**
 * Writes exported notes and action items back into a session doc (JSON export → import, i.e.
 * backup and restore). Pure functions over a Y.Doc; the doc service runs them on the live doc so
 * the write is a normal edit: logged before it is relayed, and seen by connected clients.
 */
import * as Y from 'yjs';
import { SectionKey, sectionActions, sectionNotes, topicSections, type SectionMap } from '../../shared/doc-schema.ts';
import { actionStatus, type ExportAction } from '../../shared/export/model.ts';

/** What a restore writes into one topic section. */
export interface RestoreSection {
  id: string;
  title: string;
  notes: string;
  actions: ExportAction[];
}

export interface RestoreOutcome {
  /** Topic ids whose notes or actions were written. */
  restored: string[];
  /** Topic ids of the export that have no section in the doc (nothing written for them). */
  missing: string[];
}

/** True when any section has notes or action items (a restore would mix two histories). */
export function docHasContent(doc: Y.Doc): boolean {
  return topicSections(doc)
    .toArray()
    .some((section) => sectionNotes(section).length > 0 || sectionActions(section).length > 0);
}

/** Finds the section for an exported topic: by id, else by title (an import may have matched an
 *  existing topic by title). */
function sectionFor(doc: Y.Doc, topic: RestoreSection): SectionMap | undefined {
  const sections = topicSections(doc).toArray();
  return (
    sections.find((s) => s.get(SectionKey.id) === topic.id) ??
    sections.find((s) => String(s.get(SectionKey.title) ?? '').trim().toLowerCase() === topic.title.trim().toLowerCase())
  );
}

/** Writes every topic's notes and action items in one transaction. The caller checked emptiness. */
export function writeSections(doc: Y.Doc, topics: readonly RestoreSection[], origin: unknown = null): RestoreOutcome {
  const restored: string[] = [];
  const missing: string[] = [];
  doc.transact(() => {
    for (const topic of topics) {
      if (topic.notes === '' && topic.actions.length === 0) continue;
      const section = sectionFor(doc, topic);
      if (!section) {
        missing.push(topic.id);
        continue;
      }
      if (topic.notes !== '') sectionNotes(section).insert(0, topic.notes);
      if (topic.actions.length > 0) sectionActions(section).push(topic.actions.map(actionMap));
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
  if (action.assignee) item.set('assignee', { ...action.assignee });
  if (action.due) item.set('due', action.due);
  // The export always carries a status; store it only when it says more than the done flag.
  if (action.status !== actionStatus(undefined, action.done)) item.set('status', action.status);
  return item;
}
