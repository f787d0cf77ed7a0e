/**
 * The schema of a session's Yjs document, written down once for the server, the client and bots.
 *
 *   doc.getArray('topics')            Y.Array<Y.Map>  one section per topic, in session order
 *     section: Y.Map
 *       'id'      string              the topic id (stable; matches the session metadata)
 *       'title'   string              the heading
 *       'notes'   Y.Text              Markdown notes
 *       'actions' Y.Array<Y.Map>      action items, in capture order
 *         item: Y.Map
 *           'id'        string        random id, unique in the session
 *           'text'      string
 *           'done'      boolean
 *           'createdBy' string        display name of whoever captured it
 *           'createdAt' string        ISO 8601
 *
 * Sections are created by the server only (see topic-template.ts); clients edit `notes` and
 * `actions` inside them.
 */
import * as Y from 'yjs';

export const ROOT_TOPICS = 'topics';

export const SectionKey = {
  id: 'id',
  title: 'title',
  notes: 'notes',
  actions: 'actions',
} as const;

export interface ActionItem {
  id: string;
  text: string;
  done: boolean;
  createdBy: string;
  createdAt: string;
}

/** A plain snapshot of one section, for export and tests. */
export interface SectionSnapshot {
  id: string;
  title: string;
  notes: string;
  actions: ActionItem[];
}

export type SectionMap = Y.Map<unknown>;

/** The ordered list of topic sections of a session doc. */
export function topicSections(doc: Y.Doc): Y.Array<SectionMap> {
  return doc.getArray<SectionMap>(ROOT_TOPICS);
}

/** The section of `topicId`, or undefined. */
export function findSection(doc: Y.Doc, topicId: string): SectionMap | undefined {
  for (const section of topicSections(doc)) {
    if (section.get(SectionKey.id) === topicId) return section;
  }
  return undefined;
}

/** The notes of a section (a Y.Text holding Markdown). */
export function sectionNotes(section: SectionMap): Y.Text {
  const notes = section.get(SectionKey.notes);
  if (!(notes instanceof Y.Text)) throw new Error('section has no notes text');
  return notes;
}

/** The action items of a section. */
export function sectionActions(section: SectionMap): Y.Array<Y.Map<unknown>> {
  const actions = section.get(SectionKey.actions);
  if (!(actions instanceof Y.Array)) throw new Error('section has no action list');
  return actions as Y.Array<Y.Map<unknown>>;
}

/** Reads one action item map into a plain object, tolerating missing fields. */
export function readActionItem(item: Y.Map<unknown>): ActionItem {
  const str = (key: string): string => {
    const value = item.get(key);
    return typeof value === 'string' ? value : '';
  };
  return {
    id: str('id'),
    text: str('text'),
    done: item.get('done') === true,
    createdBy: str('createdBy'),
    createdAt: str('createdAt'),
  };
}

/** Adds an action item to a section; returns its id. */
export function addActionItem(
  section: SectionMap,
  fields: { id: string; text: string; createdBy: string; createdAt: string },
): string {
  const item = new Y.Map<unknown>();
  item.set('id', fields.id);
  item.set('text', fields.text);
  item.set('done', false);
  item.set('createdBy', fields.createdBy);
  item.set('createdAt', fields.createdAt);
  sectionActions(section).push([item]);
  return fields.id;
}

/** A plain copy of every section, in order. */
export function readSections(doc: Y.Doc): SectionSnapshot[] {
  return topicSections(doc)
    .toArray()
    .map((section) => ({
      id: String(section.get(SectionKey.id) ?? ''),
      title: String(section.get(SectionKey.title) ?? ''),
      notes: sectionNotes(section).toString(),
      actions: sectionActions(section).toArray().map(readActionItem),
    }));
}
