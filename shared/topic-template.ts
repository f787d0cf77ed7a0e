/**
 * Builds the structure of a session doc from its topic list. Only the server calls this, inside
 * the deduplicated first load, so the structure exists once; it is deterministic (fixed client id,
 * fixed insertion order) so that even a racing second creator produces identical structs, which
 * Yjs then merges as one.
 */
import * as Y from 'yjs';
import { isSectionMap, layoutTopicOrder, readableSections, SectionKey, sectionId, setLayoutTopicOrder, topicSections, type SectionMap } from './doc-schema.ts';

/** Client id used only for template structs. Real Yjs client ids are random 32-bit numbers. */
export const TEMPLATE_CLIENT_ID = 1;

export interface TemplateTopic {
  id: string;
  title: string;
}

function newSection(topic: TemplateTopic): SectionMap {
  const section = new Y.Map<unknown>();
  section.set(SectionKey.id, topic.id);
  section.set(SectionKey.title, topic.title);
  section.set(SectionKey.notes, new Y.Text());
  section.set(SectionKey.actions, new Y.Array());
  section.set(SectionKey.decisions, new Y.Array());
  return section;
}

/** The Yjs update that creates a fresh session doc with one section per topic. */
export function buildTemplateUpdate(topics: readonly TemplateTopic[]): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = TEMPLATE_CLIENT_ID;
  doc.transact(() => {
    topicSections(doc).push(topics.map(newSection));
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/**
 * Appends a section for each topic the doc does not have yet, as a normal edit (the doc's own
 * client id); existing sections and their notes are never touched (a malformed entry is not a
 * section of any topic; repairDoc in doc-repair.ts deals with it). Returns the ids added.
 */
export function appendMissingSections(doc: Y.Doc, topics: readonly TemplateTopic[], origin?: unknown): string[] {
  const sections = topicSections(doc);
  const present = new Set(sections.toArray().map((entry) => (isSectionMap(entry) ? sectionId(entry) : undefined)));
  const missing = topics.filter((topic) => !present.has(topic.id));
  if (missing.length > 0) {
    doc.transact(() => sections.push(missing.map(newSection)), origin);
  }
  return missing.map((topic) => topic.id);
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * Makes the doc show its sections in the session's topic order (issue #15): writes
 * `layout.topicOrder` when the doc's order (its layout, else its doc order) is another. A server
 * edit; returns whether it wrote.
 */
export function syncTopicOrder(doc: Y.Doc, topicIds: readonly string[], origin?: unknown): boolean {
  const current = layoutTopicOrder(doc) ?? readableSections(doc).map((section) => sectionId(section)!);
  if (sameList(current, topicIds)) return false;
  doc.transact(() => setLayoutTopicOrder(doc, topicIds), origin);
  return true;
}
