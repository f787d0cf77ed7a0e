/**
 * Who wrote what. The server records, in the session state doc, the display name each Yjs client
 * id announced in its presence (`user: {name, color}`); every character of the notes carries the
 * client id that inserted it, so authorship survives restarts and needs no extra bookkeeping in
 * the text itself.
 *
 *   doc.getMap('authors')   client id (decimal string) → { name: string, color?: string }
 */
import * as Y from 'yjs';

export const ROOT_AUTHORS = 'authors';

export interface Author {
  name: string;
  color?: string;
}

/** A run of text inserted by one client. */
export interface AuthoredRun {
  clientId: number;
  text: string;
}

export function authorsMap(doc: Y.Doc): Y.Map<Author> {
  return doc.getMap<Author>(ROOT_AUTHORS);
}

/** client id → author, from a session state doc. */
export function readAuthors(doc: Y.Doc): Map<number, Author> {
  const result = new Map<number, Author>();
  authorsMap(doc).forEach((author, clientId) => result.set(Number(clientId), author));
  return result;
}

/** Records `author` for `clientId` unless it is already recorded as such. Returns true on change. */
export function recordAuthor(doc: Y.Doc, clientId: number, author: Author): boolean {
  const map = authorsMap(doc);
  const existing = map.get(String(clientId));
  if (existing && existing.name === author.name && existing.color === author.color) return false;
  map.set(String(clientId), author.color ? { name: author.name, color: author.color } : { name: author.name });
  return true;
}

/** The visible text of `text` as runs of consecutive characters by the same client. */
export function authoredRuns(text: Y.Text): AuthoredRun[] {
  const runs: AuthoredRun[] = [];
  // Yjs keeps each insertion as an item with the inserting client's id; walk the visible ones.
  let item = (text as unknown as { _start: YItem | null })._start;
  while (item) {
    if (!item.deleted && item.countable && typeof item.content.str === 'string') {
      const last = runs.at(-1);
      if (last && last.clientId === item.id.client) last.text += item.content.str;
      else runs.push({ clientId: item.id.client, text: item.content.str });
    }
    item = item.right;
  }
  return runs;
}

interface YItem {
  id: { client: number };
  deleted: boolean;
  countable: boolean;
  content: { str?: string };
  right: YItem | null;
}

/** Names of everyone whose text is visible in any of `texts`, in order of first appearance. */
export function contributors(texts: readonly Y.Text[], authors: ReadonlyMap<number, Author>): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const run of authoredRuns(text)) {
      const name = authors.get(run.clientId)?.name;
      if (name && run.text.trim() !== '') names.add(name);
    }
  }
  return [...names];
}
