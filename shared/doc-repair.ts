/**
 * Repairs a notes doc that does not fit the doc schema (issue #13): data stored before the write
 * guard existed, or written around it. The server runs it on load, on the leader, as a normal edit
 * every client receives (the same path as the template's reconcile); clients never repair.
 *
 * Invariant: typed text is never lost. Notes left as a plain string become a Y.Text holding it; the
 * notes and action items of a duplicate section move into the first section of that topic; a
 * section without a topic id that holds notes or items is kept under a new id. Only entries that
 * cannot hold text (not a section map, empty id-less sections, non-map action or decision entries)
 * and content of root types the schema does not define are removed. A section stored before
 * decisions existed gets an empty decision list.
 */
import * as Y from 'yjs';
import {
  ACTION_ITEM_FIELDS,
  actionItemMaps,
  DECISION_AGREED_FIELDS,
  DECISION_ITEM_FIELDS,
  decisionItemMaps,
  isSectionMap,
  LayoutKey,
  misfitActionFields,
  ROOT_LAYOUT,
  misfitDecisionFields,
  ROOT_TOPICS,
  SectionKey,
  sectionActions,
  sectionDecisions,
  sectionId,
  sectionNotes,
  topicSections,
  type ActionItem,
  type SectionMap,
} from './doc-schema.ts';

export interface RepairTopic {
  id: string;
  title: string;
}

export interface RepairOptions {
  /** Transaction origin of the repair edit. */
  origin?: unknown;
  /** Id for an action item without one (default: 18 random hex digits, like the client's). */
  newItemId?: () => string;
}

/** Title of a section without a topic id kept because it holds notes or action items. */
export const RECOVERED_TITLE = 'Recovered notes';

function randomItemId(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(9)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Shows a name taken from the doc in a log line without letting it grow the line. */
const shown = (name: string): string => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);

/**
 * Repairs `doc` in place against the session's `topics` in one transaction (no update when nothing
 * needed repair). Returns what was repaired, one short line per kind with a count.
 */
export function repairDoc(doc: Y.Doc, topics: readonly RepairTopic[], options: RepairOptions = {}): string[] {
  const counts = new Map<string, number>();
  const note = (repair: string): void => void counts.set(repair, (counts.get(repair) ?? 0) + 1);
  const newItemId = options.newItemId ?? randomItemId;
  const titles = new Map(topics.map((topic) => [topic.id, topic.title]));
  doc.transact((transaction) => {
    clearUnknownRoots(doc, transaction, note);
    const array = topicSections(doc);
    const used = new Set([...titles.keys(), ...array.toArray().filter(isSectionMap).map(sectionId)]);
    const first = new Map<string, SectionMap>();
    const remove: number[] = [];
    array.toArray().forEach((entry, index) => {
      if (!isSectionMap(entry)) {
        remove.push(index);
        note('removed a topics entry that is not a section map');
        return;
      }
      let id = sectionId(entry);
      if (id === undefined) {
        if ((sectionNotes(entry)?.length ?? 0) === 0 && !hasStringNotes(entry) && actionItemMaps(entry).length === 0 && decisionItemMaps(entry).length === 0) {
          remove.push(index);
          note('removed an empty section without a topic id');
          return;
        }
        id = freeId(used);
        entry.set(SectionKey.id, id);
        note(`kept a section without a topic id (it holds notes or action items) as ${shown(id)}`);
      }
      const kept = first.get(id);
      if (kept) {
        mergeSection(entry, kept, newItemId);
        remove.push(index);
        note(`merged a duplicate section of ${shown(id)} into the first one`);
      } else {
        repairSection(entry, id, titles.get(id), newItemId, note);
        first.set(id, entry);
      }
    });
    for (const index of remove.reverse()) array.delete(index, 1);
  }, options.origin);
  return [...counts].map(([repair, count]) => (count > 1 ? `${repair} (${count}×)` : repair));
}

function hasStringNotes(section: SectionMap): boolean {
  const notes = section.get(SectionKey.notes);
  return typeof notes === 'string' && notes !== '';
}

function freeId(used: Set<string | undefined>): string {
  let n = 1;
  while (used.has(`recovered-${n}`)) n++;
  used.add(`recovered-${n}`);
  return `recovered-${n}`;
}

/** Title, notes, action list and items of one section; `title` is the metadata's, if the topic exists. */
function repairSection(section: SectionMap, id: string, title: string | undefined, newItemId: () => string, note: (repair: string) => void): void {
  const current = section.get(SectionKey.title);
  if (title !== undefined && current !== title) {
    section.set(SectionKey.title, title);
    note(`reset the title of ${shown(id)} to the session's`);
  } else if (title === undefined && typeof current !== 'string') {
    section.set(SectionKey.title, RECOVERED_TITLE);
    note(`set the missing title of ${shown(id)}`);
  }
  if (!sectionNotes(section)) {
    const bad = section.get(SectionKey.notes);
    section.set(SectionKey.notes, new Y.Text(typeof bad === 'string' ? bad : ''));
    note(typeof bad === 'string' ? `turned the string notes of ${shown(id)} into a text` : `replaced the notes of ${shown(id)} that were not a text`);
  }
  let actions = sectionActions(section);
  if (!actions) {
    actions = new Y.Array<unknown>();
    section.set(SectionKey.actions, actions);
    note(`replaced the action list of ${shown(id)} that was not a list`);
  }
  removeNonMaps(actions, () => note(`removed an action entry of ${shown(id)} that is not a map`));
  for (const item of actions as Y.Array<Y.Map<unknown>>) {
    const misfits = misfitActionFields(item);
    for (const field of misfits) item.set(field, fixedField(field, item.get(field), newItemId));
    if (misfits.length > 0) note(`fixed missing or mistyped fields of an action item of ${shown(id)}`);
  }
  repairDecisions(section, id, newItemId, note);
}

/** Deletes the entries of an item list that are not maps (last first, so indexes hold). */
function removeNonMaps(list: Y.Array<unknown>, removed: () => void): void {
  for (let index = list.length - 1; index >= 0; index--) {
    if (!(list.get(index) instanceof Y.Map)) {
      list.delete(index, 1);
      removed();
    }
  }
}

/** The decision list of one section: added when missing (a doc stored before decisions existed),
 *  replaced when not a list, non-map entries removed, mistyped fields fixed. */
function repairDecisions(section: SectionMap, id: string, newItemId: () => string, note: (repair: string) => void): void {
  let decisions = sectionDecisions(section);
  if (!decisions) {
    const missing = !section.has(SectionKey.decisions);
    decisions = new Y.Array<unknown>();
    section.set(SectionKey.decisions, decisions);
    note(missing ? `added the decision list of ${shown(id)}` : `replaced the decision list of ${shown(id)} that was not a list`);
  }
  removeNonMaps(decisions, () => note(`removed a decision entry of ${shown(id)} that is not a map`));
  for (const item of decisions as Y.Array<Y.Map<unknown>>) {
    const misfits = misfitDecisionFields(item);
    for (const field of misfits) fixDecisionField(item, field, newItemId);
    if (misfits.length > 0) note(`fixed missing or mistyped fields of a decision of ${shown(id)}`);
  }
}

/** A mistyped agreed field is removed (agreement is the server's to give); others as for actions. */
function fixDecisionField(item: Y.Map<unknown>, field: string, newItemId: () => string): void {
  if (field in DECISION_AGREED_FIELDS) item.delete(field);
  else item.set(field, fixedField(field as keyof ActionItem, item.get(field), newItemId));
}

/** A plain copy of a decision map (its id kept), fixed where it does not fit. */
function copyDecision(item: Y.Map<unknown>, newItemId: () => string): Y.Map<unknown> {
  const copy = new Y.Map<unknown>();
  const misfits = new Set<string>(misfitDecisionFields(item));
  for (const field of Object.keys(DECISION_ITEM_FIELDS)) {
    copy.set(field, misfits.has(field) ? fixedField(field as keyof ActionItem, item.get(field), newItemId) : item.get(field));
  }
  for (const field of Object.keys(DECISION_AGREED_FIELDS)) {
    if (item.has(field) && !misfits.has(field)) copy.set(field, item.get(field));
  }
  return copy;
}

/** A value of the right type for `field`, keeping what can be kept (a number as text). */
function fixedField(field: keyof ActionItem, bad: unknown, newItemId: () => string): string | boolean {
  if (ACTION_ITEM_FIELDS[field] === 'boolean') return false;
  if (field === 'id') return newItemId();
  return typeof bad === 'number' || typeof bad === 'boolean' ? String(bad) : '';
}

/** Moves the notes text, action items and decisions of `duplicate` (as malformed as may be) to the end of
 *  `into` (already repaired). */
function mergeSection(duplicate: SectionMap, into: SectionMap, newItemId: () => string): void {
  const bad = duplicate.get(SectionKey.notes);
  const text = bad instanceof Y.Text ? bad.toString() : typeof bad === 'string' ? bad : '';
  const notes = sectionNotes(into)!;
  if (text !== '') notes.insert(notes.length, notes.length > 0 ? `\n\n${text}` : text);
  // A Yjs type cannot move: the items are copied with their ids (follow-ups are keyed by id).
  const copies = actionItemMaps(duplicate).map((item) => {
    const copy = new Y.Map<unknown>();
    const misfits = new Set(misfitActionFields(item));
    for (const field of Object.keys(ACTION_ITEM_FIELDS) as Array<keyof ActionItem>) {
      copy.set(field, misfits.has(field) ? fixedField(field, item.get(field), newItemId) : item.get(field));
    }
    return copy;
  });
  if (copies.length > 0) sectionActions(into)!.push(copies);
  const decisions = decisionItemMaps(duplicate).map((item) => copyDecision(item, newItemId));
  if (decisions.length > 0) sectionDecisions(into)!.push(decisions);
}

/** The internals of a root type this repair walks: its keyed items and its list of items. */
interface RootInternals {
  _map: Map<string, Y.Item>;
  _start: Y.Item | null;
}

/**
 * Deletes the content of every root type the schema does not define, and keyed content put on the
 * topics array (a client that used it as a map). A root's type is only known to whoever calls
 * `doc.get(name, Type)`, so this walks the items directly.
 */
function clearUnknownRoots(doc: Y.Doc, transaction: Y.Transaction, note: (repair: string) => void): void {
  for (const [name, type] of doc.share) {
    const root = type as unknown as RootInternals;
    let deleted = false;
    for (const [key, item] of root._map) {
      if (item.deleted) continue;
      // The layout root's topic order is part of the schema (issue #15); its other keys are not.
      if (name === ROOT_LAYOUT && key === LayoutKey.topicOrder) continue;
      item.delete(transaction);
      deleted = true;
    }
    if (name !== ROOT_TOPICS) {
      for (let item = root._start; item; item = item.right) {
        if (item.deleted) continue;
        item.delete(transaction);
        deleted = true;
      }
    }
    if (deleted) note(name === ROOT_TOPICS ? 'cleared keyed content put on the topics array' : `cleared the unknown root ${shown(name)}`);
  }
}
