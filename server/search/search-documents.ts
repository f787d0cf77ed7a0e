/**
 * What one session contributes to the search index (issue #17): a `session` document (title,
 * description, leads), and per topic a `notes` document (topic title, speakers, notes, then the abstract), one
 * `action` document per action item (text, assignee, who captured it, follow-up status) and one
 * `decision` document per decision. Built from the export model's readers, so whatever the exports
 * show is what search finds (the readers already skip what does not fit the doc schema).
 */
import { createHash } from 'node:crypto';
import type { Session } from '../../shared/domain.ts';
import type { ExportSectionContent } from '../../shared/export/model.ts';

export type SearchKind = 'notes' | 'action' | 'decision' | 'session';
export const SEARCH_KINDS: readonly SearchKind[] = ['notes', 'action', 'decision', 'session'];

/** One indexed document. `title`, `people` and `text` are searched (boosted in that order). */
export interface SearchDoc {
  id: string;
  sessionId: string;
  eventId: string;
  kind: SearchKind;
  topicId?: string;
  topicTitle?: string;
  itemId?: string;
  title: string;
  people: string;
  text: string;
  status?: string;
  /** Lower-cased names for the person filter (speakers, leads, assignee, createdBy). */
  persons: string[];
}

const lower = (names: Array<string | undefined>): string[] => [...new Set(names.filter((n): n is string => !!n && n.trim() !== '').map((n) => n.trim().toLowerCase()))];

/** Every search document of one session, from its metadata and its export sections. */
export function sessionDocuments(session: Session, sections: readonly ExportSectionContent[]): SearchDoc[] {
  const base = { sessionId: session.id, eventId: session.eventId };
  const leads = session.leads.map((l) => l.name);
  const docs: SearchDoc[] = [
    { ...base, id: `${session.id}/session`, kind: 'session', title: session.title, people: leads.join(', '), text: session.description, persons: lower(leads) },
  ];
  const topics = new Map(session.topics.map((t) => [t.id, t]));
  for (const section of sections) {
    const topic = topics.get(section.id);
    const topicTitle = section.title || topic?.title || section.id;
    const speakers = topic?.speakers ?? [];
    const at = { ...base, topicId: section.id, topicTitle };
    docs.push({ ...at, id: `${session.id}/${section.id}/notes`, kind: 'notes', title: topicTitle, people: speakers.join(', '), text: topic?.abstract ? `${section.notes}\n\n${topic.abstract}` : section.notes, persons: lower(speakers) });
    for (const action of section.actions) {
      const people = [action.assignee?.name, action.createdBy];
      docs.push({
        ...at, id: `${session.id}/${section.id}/action/${action.id}`, kind: 'action', itemId: action.id, title: '',
        people: lower(people).join(', '), text: action.text, status: action.status, persons: lower(people),
      });
    }
    for (const decision of section.decisions) {
      const people = [decision.createdBy, decision.agreedBy];
      docs.push({
        ...at, id: `${session.id}/${section.id}/decision/${decision.id}`, kind: 'decision', itemId: decision.id, title: '',
        people: lower(people).join(', '), text: decision.text, status: decision.agreed ? 'agreed' : 'recorded', persons: lower(people),
      });
    }
  }
  return docs;
}

/** A digest of the metadata a session's documents are built from (a retitle reindexes it). */
export function sessionMetaFingerprint(session: Session): string {
  const { title, description, leads, topics, eventId } = session;
  return createHash('sha256').update(JSON.stringify([eventId, title, description, leads, topics])).digest('base64url');
}
