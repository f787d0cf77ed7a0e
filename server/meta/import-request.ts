/**
 * Turns an import request (body + content type + overrides) into session drafts, for both the
 * HTTP route and the CLI. Parse errors become IMPORT_INVALID naming the problem.
 */
import type { SessionDraft } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { detectFormat, parseImport, parseJsonValue, type ImportFormat } from './import/index.ts';
import { parseIndicoExport } from './import/parse-indico.ts';
import { ImportError } from './import/import-error.ts';

export interface ImportQuery {
  format?: ImportFormat;
  sessionId?: string;
  title?: string;
  eventTitle?: string;
}

/** Parses `body` (a string, or an already-parsed JSON value) into drafts, applying overrides. */
export function draftsFromBody(body: unknown, contentTypeOrFileName: string, query: ImportQuery): SessionDraft[] {
  let drafts: SessionDraft[];
  try {
    if (typeof body === 'string') {
      drafts = parseImport(query.format ?? detectFormat(contentTypeOrFileName, body), body);
    } else {
      if (query.format === 'indico') drafts = parseIndicoExport(body);
      else if (query.format && query.format !== 'json') throw new ImportError(`format=${query.format} needs a text body, but JSON was sent`);
      else drafts = parseJsonValue(body);
    }
  } catch (error) {
    if (error instanceof ImportError) throw new AppError('IMPORT_INVALID', error.message);
    throw error;
  }
  if (query.sessionId !== undefined || query.title !== undefined) {
    if (drafts.length !== 1) {
      throw new AppError('IMPORT_INVALID', `sessionId/title overrides need exactly one session in the import, found ${drafts.length}.`);
    }
    const [only] = drafts as [SessionDraft];
    drafts = [{ ...only, ...(query.sessionId ? { id: query.sessionId } : {}), ...(query.title ? { title: query.title } : {}) }];
  }
  return drafts;
}
