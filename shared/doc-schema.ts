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
 *       'decisions' Y.Array<Y.Map>    decisions (issue #17), in capture order
 *         item: Y.Map
 *           'id'        string        slug, unique in the doc (among action items and decisions)
 *           'text'      string
 *           'createdBy' string        display name of whoever recorded it
 *           'createdAt' string        ISO 8601
 *           'agreedBy'  string        (optional) who marked it agreed: set and cleared by the server only
 *           'agreedAt'  string        (optional) ISO 8601, set and cleared with `agreedBy`
 *
 *   doc.getMap('layout')              Y.Map           written by the server only (issue #15)
 *     'topicOrder' string[]           the topic ids in display order (last writer wins). Yjs cannot
 *                                     move a section without delete + reinsert, which would lose
 *                                     concurrent notes edits, so reordering writes this list instead
 *
 * Sections are created by the server only (see topic-template.ts); clients edit `notes`, `actions`
 * and `decisions` inside them (decisions: add one, replace its `text`; a lead or admin marks one
 * agreed over HTTP, a server edit). A stored section without `decisions` gets an empty list on load.
 * Readers show sections in `layout.topicOrder` order (see readableSections).
 *
 * Readers never throw on a doc that does not fit this schema (issue #13): the accessors return
 * `undefined` and the readers skip what does not fit, telling an optional `SkipReport` what they
 * skipped so the server can log it once. The server repairs a stored doc on load (doc-repair.ts).
 */
import * as Y from 'yjs';

export const ROOT_TOPICS = 'topics';
/** The server-written layout root (topic order); clients never write it (the schema guard refuses it). */
export const ROOT_LAYOUT = 'layout';

export const LayoutKey = {
  topicOrder: 'topicOrder',
} as const;

export const SectionKey = {
  id: 'id',
  title: 'title',
  notes: 'notes',
  actions: 'actions',
  decisions: 'decisions',
} as const;

export interface ActionItem {
  id: string;
  text: string;
  done: boolean;
  createdBy: string;
  createdAt: string;
}

/** A decision; `agreedBy` and `agreedAt` only when a lead or admin marked it agreed. */
export interface DecisionItem {
  id: string;
  text: string;
  createdBy: string;
  createdAt: string;
  agreedBy?: string;
  agreedAt?: string;
}

/** A plain snapshot of one section, for export and tests. */
export interface SectionSnapshot {
  id: string;
  title: string;
  notes: string;
  actions: ActionItem[];
  decisions: DecisionItem[];
}

export type SectionMap = Y.Map<unknown>;

/** Told a short description (no indexes, so repeated reads say the same) of each part a reader skipped. */
export type SkipReport = (problem: string) => void;

const ignore: SkipReport = () => undefined;

/** The ordered entries of the topics array: section maps if the doc fits the schema, anything otherwise. */
export function topicSections(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray<unknown>(ROOT_TOPICS);
}

export function isSectionMap(value: unknown): value is SectionMap {
  return value instanceof Y.Map;
}

/** The topic id of a section, or undefined when it has no non-empty string id. */
export function sectionId(section: SectionMap): string | undefined {
  const id = section.get(SectionKey.id);
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The notes of a section (a Y.Text holding Markdown), or undefined when they are something else. */
export function sectionNotes(section: SectionMap): Y.Text | undefined {
  const notes = section.get(SectionKey.notes);
  return notes instanceof Y.Text ? notes : undefined;
}

/** The action list of a section, or undefined when it is something else. Entries may be anything:
 *  read them with `actionItemMaps`. */
export function sectionActions(section: SectionMap): Y.Array<unknown> | undefined {
  const actions = section.get(SectionKey.actions);
  return actions instanceof Y.Array ? (actions as Y.Array<unknown>) : undefined;
}

/** The map entries of a list of items (`what`: how a skipped entry is reported). */
function itemMaps(section: SectionMap, list: Y.Array<unknown>, what: string, report: SkipReport): Y.Map<unknown>[] {
  const items: Y.Map<unknown>[] = [];
  for (const entry of list) {
    if (entry instanceof Y.Map) items.push(entry as Y.Map<unknown>);
    else report(`section "${sectionId(section) ?? '?'}": ${what} entry that is not a map`);
  }
  return items;
}

/** The item maps of a section's action list, skipping entries that are not maps. */
export function actionItemMaps(section: SectionMap, report: SkipReport = ignore): Y.Map<unknown>[] {
  const actions = sectionActions(section);
  if (!actions) {
    if (section.has(SectionKey.actions)) report(`section "${sectionId(section) ?? '?'}": actions is not a list`);
    else report(`section "${sectionId(section) ?? '?'}": no action list`);
    return [];
  }
  return itemMaps(section, actions, 'action', report);
}

/** The decision list of a section, or undefined when it is missing or something else. Entries may
 *  be anything: read them with `decisionItemMaps`. */
export function sectionDecisions(section: SectionMap): Y.Array<unknown> | undefined {
  const decisions = section.get(SectionKey.decisions);
  return decisions instanceof Y.Array ? (decisions as Y.Array<unknown>) : undefined;
}

/** The item maps of a section's decision list, skipping entries that are not maps. A section
 *  without the list (stored before decisions existed; repaired on load) simply has none. */
export function decisionItemMaps(section: SectionMap, report: SkipReport = ignore): Y.Map<unknown>[] {
  const decisions = sectionDecisions(section);
  if (!decisions) {
    if (section.has(SectionKey.decisions)) report(`section "${sectionId(section) ?? '?'}": decisions is not a list`);
    return [];
  }
  return itemMaps(section, decisions, 'decision', report);
}

/**
 * The topic order the layout root names: its string entries, or undefined when there is no order
 * (or it is not a list). Never throws.
 */
export function layoutTopicOrder(doc: Y.Doc): string[] | undefined {
  let order: unknown;
  try {
    order = layoutMap(doc).get(LayoutKey.topicOrder);
  } catch {
    // A stored doc whose `layout` root is another type: no order (repair is the server's job).
    return undefined;
  }
  return Array.isArray(order) ? order.filter((id): id is string => typeof id === 'string') : undefined;
}

/** The layout root map (throws when a stored doc defined `layout` as another type). */
export function layoutMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ROOT_LAYOUT);
}

/** Sets the display order of topics (server edits only: clients may not write the layout root). */
export function setLayoutTopicOrder(doc: Y.Doc, topicIds: readonly string[]): void {
  layoutMap(doc).set(LayoutKey.topicOrder, [...topicIds]);
}

/**
 * The sections a reader can use, in display order: maps with a string id, the first one per topic
 * id. Entries that are not maps, sections without an id and later duplicates are skipped (reported).
 * Sections named in `layout.topicOrder` come first, in that order; the others follow in doc order;
 * ids of the order that have no section are ignored.
 */
export function readableSections(doc: Y.Doc, report: SkipReport = ignore): SectionMap[] {
  const seen = new Map<string, SectionMap>();
  const sections: SectionMap[] = [];
  for (const entry of topicSections(doc)) {
    if (!isSectionMap(entry)) {
      report('topics entry that is not a section map');
      continue;
    }
    const id = sectionId(entry);
    if (id === undefined) report('section without a topic id');
    else if (seen.has(id)) report(`section "${id}": duplicate of an earlier section`);
    else {
      seen.set(id, entry);
      sections.push(entry);
    }
  }
  const order = layoutTopicOrder(doc);
  if (!order || order.length === 0) return sections;
  const ordered: SectionMap[] = [];
  const placed = new Set<SectionMap>();
  for (const id of order) {
    const section = seen.get(id);
    if (section && !placed.has(section)) {
      placed.add(section);
      ordered.push(section);
    }
  }
  for (const section of sections) if (!placed.has(section)) ordered.push(section);
  return ordered;
}

/** The (first) section of `topicId`, or undefined. */
export function findSection(doc: Y.Doc, topicId: string): SectionMap | undefined {
  for (const entry of topicSections(doc)) {
    if (isSectionMap(entry) && sectionId(entry) === topicId) return entry;
  }
  return undefined;
}

/** The notes texts of the readable sections (e.g. for authorship), skipping notes that are not a Y.Text. */
export function notesTexts(doc: Y.Doc, report: SkipReport = ignore): Y.Text[] {
  const texts: Y.Text[] = [];
  for (const section of readableSections(doc, report)) {
    const notes = sectionNotes(section);
    if (notes) texts.push(notes);
    else report(`section "${sectionId(section)}": notes is not a text`);
  }
  return texts;
}

/** The type of each field of an action item map. */
export const ACTION_ITEM_FIELDS = { id: 'string', text: 'string', done: 'boolean', createdBy: 'string', createdAt: 'string' } as const;

/** Fields of an item map that are missing or of the wrong type. */
export function misfitActionFields(item: Y.Map<unknown>): Array<keyof ActionItem> {
  return (Object.keys(ACTION_ITEM_FIELDS) as Array<keyof ActionItem>).filter((key) => typeof item.get(key) !== ACTION_ITEM_FIELDS[key]);
}

/** Reads one action item map into a plain object, tolerating missing or mistyped fields. */
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

/** The type of each field of a decision map that clients create; `agreedBy`/`agreedAt` are optional. */
export const DECISION_ITEM_FIELDS = { id: 'string', text: 'string', createdBy: 'string', createdAt: 'string' } as const;
/** Fields only the server sets (a lead or admin marking a decision agreed). */
export const DECISION_AGREED_FIELDS = { agreedBy: 'string', agreedAt: 'string' } as const;

type DecisionField = keyof typeof DECISION_ITEM_FIELDS | keyof typeof DECISION_AGREED_FIELDS;

/** Fields of a decision map that are missing (required ones) or of the wrong type. */
export function misfitDecisionFields(item: Y.Map<unknown>): DecisionField[] {
  const required = (Object.keys(DECISION_ITEM_FIELDS) as DecisionField[]).filter((key) => typeof item.get(key) !== 'string');
  const agreed = (Object.keys(DECISION_AGREED_FIELDS) as DecisionField[]).filter((key) => item.has(key) && typeof item.get(key) !== 'string');
  return [...required, ...agreed];
}

/** Reads one decision map into a plain object, tolerating missing or mistyped fields. */
export function readDecisionItem(item: Y.Map<unknown>): DecisionItem {
  const str = (key: string): string => {
    const value = item.get(key);
    return typeof value === 'string' ? value : '';
  };
  const decision: DecisionItem = { id: str('id'), text: str('text'), createdBy: str('createdBy'), createdAt: str('createdAt') };
  if (str('agreedBy') !== '' || str('agreedAt') !== '') {
    decision.agreedBy = str('agreedBy');
    decision.agreedAt = str('agreedAt');
  }
  return decision;
}

/** Adds a decision to a section; returns its id, or undefined when the section has no decision list. */
export function addDecision(section: SectionMap, fields: { id: string; text: string; createdBy: string; createdAt: string }): string | undefined {
  const decisions = sectionDecisions(section);
  if (!decisions) return undefined;
  const item = new Y.Map<unknown>();
  item.set('id', fields.id);
  item.set('text', fields.text);
  item.set('createdBy', fields.createdBy);
  item.set('createdAt', fields.createdAt);
  decisions.push([item]);
  return fields.id;
}

/** Adds an action item to a section; returns its id, or undefined when the section has no action list. */
export function addActionItem(
  section: SectionMap,
  fields: { id: string; text: string; createdBy: string; createdAt: string },
): string | undefined {
  const actions = sectionActions(section);
  if (!actions) return undefined;
  const item = new Y.Map<unknown>();
  item.set('id', fields.id);
  item.set('text', fields.text);
  item.set('done', false);
  item.set('createdBy', fields.createdBy);
  item.set('createdAt', fields.createdAt);
  actions.push([item]);
  return fields.id;
}

/** The text of a section's notes: a string left where a Y.Text belongs is read as the text. */
function notesText(section: SectionMap, report: SkipReport): string {
  const notes = section.get(SectionKey.notes);
  if (notes instanceof Y.Text) return notes.toString();
  report(`section "${sectionId(section)}": notes is not a text`);
  return typeof notes === 'string' ? notes : '';
}

/** A plain copy of every readable section, in order (see `readableSections` for what is skipped). */
export function readSections(doc: Y.Doc, report: SkipReport = ignore): SectionSnapshot[] {
  return readableSections(doc, report).map((section) => {
    const title = section.get(SectionKey.title);
    if (typeof title !== 'string') report(`section "${sectionId(section)}": title is not a string`);
    return {
      id: sectionId(section)!,
      title: typeof title === 'string' ? title : '',
      notes: notesText(section, report),
      actions: actionItemMaps(section, report).map((item) => {
        if (misfitActionFields(item).length > 0) report(`section "${sectionId(section)}": action item with missing or mistyped fields`);
        return readActionItem(item);
      }),
      decisions: decisionItemMaps(section, report).map((item) => {
        if (misfitDecisionFields(item).length > 0) report(`section "${sectionId(section)}": decision with missing or mistyped fields`);
        return readDecisionItem(item);
      }),
    };
  });
}
