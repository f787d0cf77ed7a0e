/** The export formats, their media types and download file names. */

export type ExportFormat = 'md' | 'html' | 'json' | 'txt';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['md', 'html', 'json', 'txt'];

export const EXPORT_MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** `<eventId>-summary.<ext>` or `<eventId>-<sessionId>-summary.<ext>`; ids are slugs, so the
 *  name needs no quoting beyond the double quotes of Content-Disposition. */
export function exportFileName(eventId: string, sessionId: string | null, format: ExportFormat): string {
  return `${eventId}${sessionId ? `-${sessionId}` : ''}-summary.${format}`;
}
