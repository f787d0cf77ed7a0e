/**
 * What the console's import sends for pasted text or a chosen file: the content type the import
 * route parses it by (a page as text/plain, an outline as text/markdown, JSON or an Indico export
 * as application/json), detected from the file name or the text unless the organiser picks one.
 */
import type { ImportFormat } from '../../../shared/api.ts';
import type { ImportSource } from './admin-api.ts';

export type FormatChoice = 'auto' | ImportFormat;

const CONTENT_TYPES: Record<ImportFormat, ImportSource['contentType']> = { page: 'text/plain', markdown: 'text/markdown', json: 'application/json', indico: 'application/json' };

/**
 * The content type for `text` (named `fileName`, when it came from a file) when the organiser chose
 * "auto": the server then detects the format from it (and an Indico export inside JSON) itself.
 */
export function detectContentType(text: string, fileName = ''): ImportSource['contentType'] {
  const name = fileName.toLowerCase();
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.md') || name.endsWith('.markdown')) return 'text/markdown';
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '';
  if (/^\s*[{[]/.test(firstLine)) return 'application/json';
  if (/^#[ \t]/.test(firstLine)) return 'text/markdown';
  return 'text/plain';
}

/** The request for `text`; `sessionId` and `eventTitle` only when given. */
export function importSource(text: string, choice: FormatChoice, fileName: string, options: { sessionId?: string; eventTitle?: string } = {}): ImportSource {
  return {
    body: text,
    contentType: choice === 'auto' ? detectContentType(text, fileName) : CONTENT_TYPES[choice],
    ...(choice === 'auto' ? {} : { format: choice }),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.eventTitle ? { eventTitle: options.eventTitle } : {}),
  };
}
