/**
 * Import with restore: the metadata of an import goes through `meta.importSessions`; when the body
 * was an mcpad JSON export, its notes and action items are then written into the sessions' docs
 * through the doc service. A restore into a session that already has notes or action items is
 * refused (SESSION_NOT_EMPTY) before anything changes.
 */
import type { DocService } from '../docs/doc-service.ts';
import type { ImportRequest } from './import-request.ts';
import type { ImportOptions, ImportResult, MetaService } from '../meta/meta-service.ts';
import { AppError } from '../../shared/errors.ts';
import { notesHaveContent, restoreNotes, writeSessionState } from '../sessions/restore-content.ts';

export interface RestoredSession {
  id: string;
  /** Topic ids whose notes or action items were written. */
  restoredTopics: string[];
  /** Exported topics with content that found no section (nothing written for them). */
  missingTopics: string[];
}

export type ImportWithRestoreResult = ImportResult & { restored?: RestoredSession[] };

export async function importWithRestore(
  meta: MetaService,
  docs: DocService,
  state: DocService,
  eventId: string,
  request: ImportRequest,
  options: ImportOptions = {},
): Promise<ImportWithRestoreResult> {
  const { drafts, restore } = request;
  if (!restore) return meta.importSessions(eventId, drafts, options);

  for (const { sessionId } of restore.content) {
    if (meta.hasSession(sessionId) && (await notesHaveContent(docs, sessionId))) {
      throw new AppError('SESSION_NOT_EMPTY', `Session "${sessionId}" already has notes or action items; restore into a new or empty session.`);
    }
  }
  const result = await meta.importSessions(eventId, drafts, {
    ...(restore.event.title ? { eventTitle: restore.event.title } : {}),
    ...(restore.event.description ? { eventDescription: restore.event.description } : {}),
    ...options,
  });
  const restored: RestoredSession[] = [];
  for (const { sessionId, topics } of restore.content) {
    const outcome = await restoreNotes(docs, sessionId, topics);
    await state.withDoc(sessionId, (live) => writeSessionState(live.doc, topics, new Date().toISOString()));
    restored.push({ id: sessionId, restoredTopics: outcome.restored, missingTopics: outcome.missing });
  }
  return { ...result, restored };
}
