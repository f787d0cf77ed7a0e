/**
 * Import entry point: turns an uploaded topic-list document into session drafts. Three formats:
 *  - `page`: the plain text of a conference microconference page (see parse-page.ts),
 *  - `markdown`: a `# Session` / `- topic` outline (see parse-markdown.ts),
 *  - `json`: session objects (see parse-json.ts).
 * Every parser is pure and throws ImportError (code IMPORT_INVALID) with a message for the user.
 */
import type { SessionDraft } from '../../shared/domain.ts';
import { ImportError } from './import-error.ts';
import { parseJsonImportFull } from './parse-json.ts';
import type { ParsedExport } from './parse-export.ts';
import { parseMarkdownOutline } from './parse-markdown.ts';
import { parsePageText } from './parse-page.ts';
import { isIndicoExport, parseIndicoExport } from './parse-indico.ts';

export { ImportError } from './import-error.ts';
export { IMPORT_LIMITS, parseJsonImport } from './parse-json.ts';
export { parseMarkdownOutline } from './parse-markdown.ts';
export { parsePageText } from './parse-page.ts';

// The format names are part of the API contract (the import route's `format` query parameter).
import { IMPORT_FORMATS, type ImportFormat } from '../../shared/api/imports.ts';
export { IMPORT_FORMATS, type ImportFormat };

export function isImportFormat(value: unknown): value is ImportFormat {
  return typeof value === 'string' && (IMPORT_FORMATS as readonly string[]).includes(value);
}

export function parseImport(format: ImportFormat, body: string): SessionDraft[] {
  switch (format) {
    case 'page':
      return [parsePageText(body)];
    case 'markdown':
      return parseMarkdownOutline(body);
    case 'json':
    case 'indico':
      return parseJsonDocument(parseJsonText(body), format).drafts;
    default: {
      const unknownFormat: never = format;
      throw new ImportError(`unknown import format "${String(unknownFormat)}" (expected ${IMPORT_FORMATS.join(', ')})`);
    }
  }
}

/**
 * A parsed JSON body: an Indico export (or any body when `format` is 'indico'), an mcpad export
 * (drafts plus the content to restore), or mcpad's session JSON.
 */
export function parseJsonDocument(value: unknown, format?: ImportFormat): { drafts: SessionDraft[]; export: ParsedExport | null } {
  if (format === 'indico' || isIndicoExport(value)) return { drafts: parseIndicoExport(value), export: null };
  return parseJsonImportFull(value);
}

/**
 * Picks a format from a file name or a Content-Type, then from the body:
 * `.json` / `application/json` (or `+json`) → json; `.md` / `.markdown` / `text/markdown` →
 * markdown; otherwise a body whose first non-empty line starts with `{` or `[` → json (a page
 * never starts that way), one that starts with `# ` → markdown, anything else → page.
 */
export function detectFormat(fileNameOrContentType: string, body: string): ImportFormat {
  const hint = fileNameOrContentType.trim().toLowerCase();
  const mediaType = (hint.split(';')[0] ?? '').trim();
  if (mediaType === 'application/json' || mediaType.endsWith('+json') || hint.endsWith('.json')) return 'json';
  if (mediaType === 'text/markdown' || mediaType === 'text/x-markdown' || /\.(?:md|markdown)$/.test(hint)) {
    return 'markdown';
  }
  const firstLine = body.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '';
  if (/^\s*[{[]/.test(firstLine)) return 'json';
  if (/^#[ \t]/.test(firstLine)) return 'markdown';
  return 'page';
}

/** JSON.parse, with an ImportError carrying V8's description (it quotes the offending text). */
export function parseJsonText(body: string): unknown {
  const text = body.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new ImportError('invalid JSON: the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ImportError(`invalid JSON: ${(error as Error).message}`);
  }
}
