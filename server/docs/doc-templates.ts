/** The two kinds of session doc the server creates: the notes doc and the session state doc. */
import * as Y from 'yjs';
import { appendMissingSections, buildTemplateUpdate, type TemplateTopic } from '../../shared/topic-template.ts';
import type { DocTemplate } from './doc-service.ts';
import { notesSchemaGuard, serverOnlyGuard } from './schema-guard.ts';

/** Notes: one section per topic (deterministic template); topics added later are appended. */
export function notesTemplate(topicsOf: (sessionId: string) => TemplateTopic[] | undefined): DocTemplate {
  return {
    exists: (sessionId) => topicsOf(sessionId) !== undefined,
    initialState: (sessionId) => buildTemplateUpdate(topicsOf(sessionId) ?? []),
    reconcile: (doc, sessionId) => {
      appendMissingSections(doc, topicsOf(sessionId) ?? []);
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
