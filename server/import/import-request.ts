/**
 * Turns an import request (body + content type + overrides) into session drafts, for both the
 * HTTP route and the CLI. Parse errors become IMPORT_INVALID naming the problem. An mcpad JSON
 * export also yields the notes and action items to restore.
 */
import type { SessionDraft } from '../../shared/domain.ts';
import type { ImportQuery } from '../../shared/api/imports.ts';
import { AppError } from '../../shared/errors.ts';
import { detectFormat, parseImport, parseJsonDocument, parseJsonText } from './index.ts';
import type { ParsedExport } from './parse-export.ts';
import { ImportError } from './import-error.ts';
import { jsonWhere, originOf, parserProblemsOf, withOrigin } from './draft-origins.ts';

/** A document the import cannot use (IMPORT_INVALID), with where the problem is: `line 12` or a JSON path. */
export class ImportRefusal extends AppError {
  readonly where: string;
  constructor(message: string, where: string) {
    super('IMPORT_INVALID', message);
    this.where = where;
  }
}

function whereOf(error: ImportError, body: unknown): string {
  if (error.path !== undefined) return jsonWhere(error.path);
  if (error.line !== undefined) return `line ${error.line}`;
  return typeof body === 'string' && !/^\s*[[{]/.test(body) ? 'line 1' : '$';
}

/** The import route's query (shared/api/imports.ts); the CLI builds the same from its flags. */
export type { ImportQuery } from '../../shared/api/imports.ts';

export interface ImportRequest {
  drafts: SessionDraft[];
  /** Set when the body is an mcpad JSON export: its event and the content to restore. */
  restore: ParsedExport | null;
}

/** Parses `body` (a string, or an already-parsed JSON value) into drafts, applying overrides. */
export function draftsFromBody(body: unknown, contentTypeOrFileName: string, query: ImportQuery): SessionDraft[] {
  return parseImportRequest(body, contentTypeOrFileName, query).drafts;
}

/** Parses `body` into drafts and, for an mcpad export, the content to restore. */
export function parseImportRequest(body: unknown, contentTypeOrFileName: string, query: ImportQuery): ImportRequest {
  let drafts: SessionDraft[];
  let restore: ParsedExport | null = null;
  try {
    if (typeof body === 'string') {
      const format = query.format ?? detectFormat(contentTypeOrFileName, body);
      if (format === 'json' || format === 'indico') ({ drafts, export: restore } = parseJsonDocument(parseJsonText(body), format));
      else drafts = parseImport(format, body);
    } else {
      if (query.format && query.format !== 'json' && query.format !== 'indico') {
        throw new ImportError(`the ${query.format} format needs a text document, but JSON was sent`);
      }
      ({ drafts, export: restore } = parseJsonDocument(body, query.format));
    }
  } catch (error) {
    if (error instanceof ImportError) throw new ImportRefusal(error.message, whereOf(error, body));
    throw error;
  }
  if (query.sessionId !== undefined || query.title !== undefined) {
    if (drafts.length !== 1) {
      throw new AppError('IMPORT_INVALID', `sessionId/title overrides need exactly one session in the import, found ${drafts.length}.`);
    }
    const [only] = drafts as [SessionDraft];
    const overridden = { ...only, ...(query.sessionId ? { id: query.sessionId } : {}), ...(query.title ? { title: query.title } : {}) };
    // The copy keeps where the draft came from and what its parser skipped (the import preview's).
    const origin = originOf(only);
    drafts = [origin === undefined ? overridden : withOrigin(overridden, origin, parserProblemsOf(only))];
    if (restore && query.sessionId) {
      restore = { ...restore, content: restore.content.map((c) => ({ ...c, sessionId: query.sessionId! })) };
    }
  }
  return { drafts, restore };
}
