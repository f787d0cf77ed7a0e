/**
 * Brings a parsed Etherpad pad into a session. Lines that match a topic title (case-insensitive,
 * trimmed, Markdown heading and emphasis marks ignored) start that topic's notes; every other line
 * goes to the "Imported notes" topic, which is added to the session (through the metadata import,
 * so the template appends its section) when needed. Nothing is dropped, nothing is overwritten:
 * the text is appended after any notes already there.
 *
 * Authorship: each Etherpad author becomes a Yjs client id (a hash of the Etherpad author id) and
 * their runs are inserted as that client, so "Colour by author", contributors and exports attribute
 * them; the name and colour go to the session state doc's authors map. The notes change is built
 * on a copy of the doc and applied through DocService.edit as one normal, durable edit.
 */
import * as Y from 'yjs';
import { recordAuthor } from '../../../shared/authorship.ts';
import { findSection, sectionNotes } from '../../../shared/doc-schema.ts';
import { appendMissingSections } from '../../../shared/topic-template.ts';
import { AppError } from '../../../shared/errors.ts';
import type { DocService } from '../../docs/doc-service.ts';
import type { MetaService } from '../../meta/meta-service.ts';
import { lineText, type PadLine, type ParsedPad } from './pad-lines.ts';

export const IMPORTED_NOTES_TOPIC = { id: 'imported-notes', title: 'Imported notes' } as const;

export interface PadImportResult {
  sessionId: string;
  /** Topic id → number of lines written into its notes. */
  topics: Array<{ id: string; lines: number }>;
  /** Names of the Etherpad authors whose text was imported. */
  authors: string[];
  /** ISO time of the pad's last edit (.etherpad only). */
  lastEdited?: string;
}

/** A Yjs client id for an Etherpad author: stable across imports, never 0. */
export function clientIdOf(etherpadAuthor: string | null): number {
  let hash = 0x811c9dc5;
  const key = `etherpad:${etherpadAuthor ?? ''}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash === 0 ? 1 : hash;
}

function titleKey(text: string): string {
  return text.replace(/^#+\s*/, '').replace(/\*\*|__|~~/g, '').replace(/^_(.*)_$/, '$1').trim().toLowerCase();
}

/** Splits the pad's lines between the session's topics and the imported-notes part. */
export function assignLines(lines: readonly PadLine[], topics: ReadonlyArray<{ id: string; title: string }>): Map<string, PadLine[]> {
  const byTitle = new Map(topics.map((t) => [t.title.trim().toLowerCase(), t.id]));
  const parts = new Map<string, PadLine[]>();
  let current: string = IMPORTED_NOTES_TOPIC.id;
  for (const line of lines) {
    const topicId = byTitle.get(titleKey(lineText(line)));
    if (topicId !== undefined && topicId !== IMPORTED_NOTES_TOPIC.id) {
      current = topicId;
      if (!parts.has(current)) parts.set(current, []);
      continue;
    }
    const part = parts.get(current) ?? [];
    part.push(line);
    parts.set(current, part);
  }
  // Blank lines around a part carry nothing.
  for (const [id, part] of parts) {
    while (part.length > 0 && lineText(part[0]!).trim() === '') part.shift();
    while (part.length > 0 && lineText(part.at(-1)!).trim() === '') part.pop();
    if (part.length === 0) parts.delete(id);
  }
  return parts;
}

export interface PadImportOptions {
  /** The notes doc may not grow past this (MAX_DOC_BYTES, as for WebSocket edits). */
  maxDocBytes?: number;
}

export async function importPad(
  meta: MetaService,
  docs: DocService,
  state: DocService,
  sessionId: string,
  pad: ParsedPad,
  options: PadImportOptions = {},
): Promise<PadImportResult> {
  const session = meta.getSession(sessionId);
  const parts = assignLines(pad.lines, session.topics);
  const maxDocBytes = options.maxDocBytes ?? Number.POSITIVE_INFINITY;
  if (parts.size === 0) throw new AppError('IMPORT_INVALID', 'The pad has no text to import.');

  let importedId: string = IMPORTED_NOTES_TOPIC.id;
  let addTopic = false;
  if (parts.has(IMPORTED_NOTES_TOPIC.id)) {
    const existing = session.topics.find((t) => t.id === IMPORTED_NOTES_TOPIC.id || t.title.trim().toLowerCase() === IMPORTED_NOTES_TOPIC.title.toLowerCase());
    if (existing) importedId = existing.id;
    else addTopic = true;
    if (importedId !== IMPORTED_NOTES_TOPIC.id) {
      parts.set(importedId, [...(parts.get(importedId) ?? []), ...parts.get(IMPORTED_NOTES_TOPIC.id)!]);
      parts.delete(IMPORTED_NOTES_TOPIC.id);
    }
  }

  // Nothing is written (no topic added, no author recorded) unless the whole import fits. Adding
  // the topic is the one write before the notes edit, so only then is the size checked first, on
  // a copy of the notes that has the section the topic would add (the notes edit checks again).
  if (addTopic) {
    await docs.withDoc(sessionId, (live) => buildImport(live.doc, parts, maxDocBytes, [IMPORTED_NOTES_TOPIC]));
    await meta.importSessions(session.eventId, [{ id: sessionId, topics: [{ ...IMPORTED_NOTES_TOPIC }] }]);
  }

  const written = await docs.edit(
    sessionId,
    (live) => {
      const { update, written: lines } = buildImport(live.doc, parts, maxDocBytes, []);
      Y.applyUpdate(live.doc, update);
      return lines;
    },
    { durable: true },
  );

  // Authors last: their names are recorded only for text that is in the notes.
  const used = new Set<string>();
  for (const part of parts.values()) for (const line of part) for (const run of line.runs) if (run.author) used.add(run.author);
  const authors = [...used].filter((id) => pad.authors.has(id));
  if (authors.length > 0) {
    await state.edit(
      sessionId,
      (live) => live.doc.transact(() => {
        for (const id of authors) recordAuthor(live.doc, clientIdOf(id), pad.authors.get(id)!);
      }),
      { durable: true },
    );
  }
  return {
    sessionId,
    topics: written,
    authors: authors.map((id) => pad.authors.get(id)!.name),
    ...(pad.lastEdited !== undefined ? { lastEdited: new Date(pad.lastEdited).toISOString() } : {}),
  };
}

/**
 * The update appending each part to its topic's notes, every run as its author's client, built on
 * a copy of `doc` (with sections for `newTopics` added first, for a dry run before they exist).
 * Throws PAYLOAD_TOO_LARGE past `maxDocBytes`; never changes `doc`.
 */
function buildImport(
  doc: Y.Doc,
  parts: ReadonlyMap<string, PadLine[]>,
  maxDocBytes: number,
  newTopics: ReadonlyArray<{ id: string; title: string }>,
): { update: Uint8Array; written: Array<{ id: string; lines: number }> } {
  const copy = new Y.Doc({ gc: false });
  const current = Y.encodeStateAsUpdate(doc);
  Y.applyUpdate(copy, current);
  if (newTopics.length > 0) appendMissingSections(copy, newTopics);
  const before = Y.encodeStateVector(copy);
  const written: Array<{ id: string; lines: number }> = [];
  for (const [topicId, lines] of parts) {
    const section = findSection(copy, topicId);
    const notes = section && sectionNotes(section);
    if (!notes) throw new AppError('IMPORT_INVALID', `The session has no notes section for topic "${topicId}" yet; try again in a moment.`);
    const insert = (text: string, author: string | null): void => {
      copy.clientID = clientIdOf(author);
      copy.transact(() => notes.insert(notes.length, text));
    };
    const existing = notes.toString();
    // Appended after notes already there, separated by a line break.
    if (existing !== '') insert(existing.endsWith('\n') ? '\n' : '\n\n', null);
    for (const [index, line] of lines.entries()) {
      for (const run of line.runs) insert(run.text, run.author);
      if (index < lines.length - 1) insert('\n', line.runs.at(-1)?.author ?? null);
    }
    written.push({ id: topicId, lines: lines.length });
  }
  const update = Y.encodeStateAsUpdate(copy, before);
  copy.destroy();
  if (current.length + update.length > maxDocBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The imported pad would take the session's notes past MAX_DOC_BYTES (${maxDocBytes} bytes); nothing was written.`);
  }
  return { update, written };
}
