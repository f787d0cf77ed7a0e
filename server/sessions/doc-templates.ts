/** The two kinds of session doc the server creates: the notes doc and the session state doc. */
import * as Y from 'yjs';
import { repairDoc } from '../../shared/doc-repair.ts';
import { appendMissingSections, buildTemplateUpdate, syncTopicOrder, type TemplateTopic } from '../../shared/topic-template.ts';
import type { DocTemplate } from '../docs/doc-service.ts';
import type { Logger } from '../logger.ts';
import { notesSchemaGuard, serverOnlyGuard } from '../docs/schema-guard.ts';

/**
 * Notes: one section per topic (deterministic template); a loaded doc that does not fit the schema
 * is repaired (issue #13; logged once per repair), then sections of topics added later are appended.
 */
export function notesTemplate(topicsOf: (sessionId: string) => TemplateTopic[] | undefined, log?: Logger): DocTemplate {
  return {
    exists: (sessionId) => topicsOf(sessionId) !== undefined,
    initialState: (sessionId) => buildTemplateUpdate(topicsOf(sessionId) ?? []),
    reconcile: (doc, sessionId) => {
      const topics = topicsOf(sessionId) ?? [];
      const repairs = repairDoc(doc, topics);
      if (repairs.length > 0) log?.warn({ sessionId, repairs }, 'repaired the notes doc: parts did not fit the doc schema');
      appendMissingSections(doc, topics);
      // A reorder whose doc edit did not land (the doc was not storable) is caught up here.
      syncTopicOrder(doc, topics.map((topic) => topic.id));
    },
    guard: notesSchemaGuard,
  };
}

const EMPTY_STATE = Y.encodeStateAsUpdate(new Y.Doc());

/** Session state: starts empty; only the server writes it. */
export function stateTemplate(sessionExists: (sessionId: string) => boolean): DocTemplate {
  return {
    exists: sessionExists,
    initialState: () => EMPTY_STATE,
    reconcile: () => undefined,
    guard: serverOnlyGuard,
  };
}
