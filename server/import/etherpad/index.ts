/**
 * Etherpad pad import: parses a `.etherpad` (JSON), `.txt` or `.html` export into Markdown lines
 * with authors (see pad-lines.ts). `parseEtherpadPad` picks the parser from the Content-Type.
 */
import { ImportError } from '../import-error.ts';
import { parseEtherpadHtml } from './parse-html.ts';
import { parseEtherpadJson } from './parse-etherpad.ts';
import { parseEtherpadTxt } from './parse-txt.ts';
import type { ParsedPad } from './pad-lines.ts';

export { parseEtherpadHtml, parseEtherpadJson, parseEtherpadTxt };
export { lineText, type PadLine, type PadAuthor, type PadRun, type ParsedPad } from './pad-lines.ts';

export type PadFormat = 'etherpad' | 'txt' | 'html';

/** The pad format of a Content-Type or file name (`.etherpad`/JSON, `.txt`/text, `.html`). */
export function padFormatOf(contentTypeOrFileName: string): PadFormat | undefined {
  const hint = contentTypeOrFileName.trim().toLowerCase();
  const media = (hint.split(';')[0] ?? '').trim();
  if (media === 'application/json' || hint.endsWith('.etherpad') || hint.endsWith('.json')) return 'etherpad';
  if (media === 'text/html' || hint.endsWith('.html') || hint.endsWith('.htm')) return 'html';
  if (media === 'text/plain' || hint.endsWith('.txt')) return 'txt';
  return undefined;
}

/** Parses `body` (a string, or an already-parsed JSON value for `.etherpad`). */
export function parseEtherpadPad(format: PadFormat, body: unknown): ParsedPad {
  if (format === 'etherpad') {
    if (typeof body !== 'string') return parseEtherpadJson(body);
    let value: unknown;
    try {
      value = JSON.parse(body.replace(/^\uFEFF/, '')) as unknown;
    } catch (error) {
      throw new ImportError(`invalid JSON: ${(error as Error).message}`);
    }
    return parseEtherpadJson(value);
  }
  if (typeof body !== 'string') throw new ImportError(`a .${format} pad export must be sent as text`);
  return format === 'html' ? parseEtherpadHtml(body) : parseEtherpadTxt(body);
}
