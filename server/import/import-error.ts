/** Where in the imported document a problem was found: a 1-based line or a JSON path. */
export interface ImportErrorLocation {
  /** 1-based line number (page and markdown formats, and JSON syntax errors). */
  line?: number;
  /** 1-based column (JSON syntax errors). */
  column?: number;
  /** JSON-pointer-like path, e.g. `sessions[0].topics[3].title` (JSON format). */
  path?: string;
}

/**
 * The imported document is not usable. The message is meant for the person who uploaded it: it
 * names the line or JSON path and what was expected, e.g.
 * `line 4: topic "- Foo" before any "# " session heading`.
 */
export class ImportError extends Error {
  readonly code = 'IMPORT_INVALID';
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;

  constructor(message: string, location: ImportErrorLocation = {}) {
    super(message);
    this.name = 'ImportError';
    this.line = location.line;
    this.column = location.column;
    this.path = location.path;
  }
}
