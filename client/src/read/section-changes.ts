/**
 * Which topics of the notes doc changed: one callback per Yjs transaction with the ids of the
 * sections whose notes, actions or keys changed, and whether the list of sections itself did
 * (a topic added, removed or moved by the server). Tolerates docs that do not fit the schema:
 * a change outside a section with an id counts as a change of the list.
 */
import * as Y from 'yjs';
import { sectionId, topicSections } from '../../../shared/doc-schema.ts';

export interface SectionChanges {
  structure: boolean;
  topics: Set<string>;
}

/** Calls `listener` after each change of the doc's topics; returns the unsubscribe. */
export function watchSections(doc: Y.Doc, listener: (changes: SectionChanges) => void): () => void {
  const topics = topicSections(doc);
  const observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    const changes: SectionChanges = { structure: false, topics: new Set() };
    for (const event of events) {
      if (event.target === topics) {
        changes.structure = true;
        continue;
      }
      // Walk up to the section map (the child of the topics array).
      let type: Y.AbstractType<unknown> | null = event.target;
      while (type && type.parent !== topics) type = type.parent as Y.AbstractType<unknown> | null;
      const id = type instanceof Y.Map ? sectionId(type) : undefined;
      if (id === undefined) changes.structure = true;
      else {
        changes.topics.add(id);
        // A section's own keys (a repair replacing its notes or id) change what the view holds.
        if (event.target === type && event.changes.keys.size > 0) changes.structure = true;
      }
    }
    listener(changes);
  };
  topics.observeDeep(observer);
  return () => topics.unobserveDeep(observer);
}
