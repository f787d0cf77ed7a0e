/**
 * The functions of Etherpad's HTTP API over mcpad's sessions (issue #16), without HTTP: each takes
 * the request's fields (strings, as Etherpad receives them) and returns Etherpad's `data`, or
 * throws `EtherpadParamError` (code 1, answered with HTTP 200 as Etherpad does). The edge
 * (server/http/etherpad-routes.ts) checks the key and wraps answers in the envelope.
 *
 * Mapping (docs/etherpad.md): a pad is a session or one topic of it (server/etherpad/pad-ids.ts);
 * revisions are the session notes doc's Yjs operation count (revisions.ts; a past `rev` is served
 * from the nearest checkpoint at or before it); there is no chat.
 */
import * as Y from 'yjs';
import { authoredRuns, readAuthors } from '../../shared/authorship.ts';
import { findSection, notesTexts, sectionNotes } from '../../shared/doc-schema.ts';
import { readNotesEditedAt } from '../../shared/notes-activity.ts';
import type { Session } from '../../shared/domain.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { ExportService } from '../export/export-service.ts';
import type { MetaService } from '../meta/meta-service.ts';
import type { CheckpointService } from '../sessions/checkpoint-service.ts';
import { padIdOf, parsePadId, type PadRef } from './pad-ids.ts';
import { ReadOnlyIds } from './read-only-ids.ts';
import { PadWriteError, type PadWriter } from './pad-writer.ts';
import { CheckpointRevisions, revisionOf } from './revisions.ts';
import { isValidId } from '../../shared/ids.ts';

/** Etherpad's code 1: wrong or missing parameter, unknown pad. */
export class EtherpadParamError extends Error {
  override name = 'EtherpadParamError';
}

export type Fields = Readonly<Record<string, string | undefined>>;
type Fn = (fields: Fields) => Promise<unknown>;

export interface EtherpadApiDeps {
  meta: MetaService;
  docs: DocService;
  state: DocService;
  exports: ExportService;
  history: CheckpointService;
  writer: PadWriter;
  /** Where createPad creates sessions (ETHERPAD_DEFAULT_EVENT); null: createPad is refused. */
  defaultEvent: string | null;
  /** Keys the read-only ids (ETHERPAD_API_KEY; read-only-ids.ts). */
  readOnlySecret: string | null;
}

/** The name writes are attributed to when the caller names no known author. */
export const API_AUTHOR = 'Etherpad API';
const API_AUTHOR_COLOR = '#7a7a7a';

/** The answer to a `rev` before the session's oldest checkpoint: mcpad keeps checkpoints, not every
 *  revision, and serves a past `rev` from the nearest checkpoint at or before it. Worded as
 *  Etherpad's own `rev is higher than the head revision of the pad`. */
export const REV_BEFORE_CHECKPOINTS = 'rev is lower than the oldest checkpoint of the pad';

export class EtherpadApi {
  readonly #d: EtherpadApiDeps;
  readonly #functions: ReadonlyMap<string, Fn>;
  readonly #revs: CheckpointRevisions;
  readonly #readOnly: ReadOnlyIds;

  constructor(deps: EtherpadApiDeps) {
    this.#d = deps;
    this.#revs = new CheckpointRevisions(deps.history);
    this.#readOnly = new ReadOnlyIds(deps.meta, deps.readOnlySecret);
    this.#functions = new Map<string, Fn>([
      ['getText', (f) => this.getText(f)],
      ['getHTML', (f) => this.getHTML(f)],
      ['getRevisionsCount', async (f) => ({ revisions: await this.#revisions((await this.#pad(f)).sessionId) })],
      ['getLastEdited', async (f) => ({ lastEdited: await this.#lastEdited(await this.#pad(f)) })],
      ['listAllPads', async () => ({ padIDs: [...this.#sessions().map((s) => s.id), ...Object.keys(this.#d.meta.listPadAliases())].sort() })],
      ['padUsersCount', async (f) => ({ padUsersCount: (await this.#padUsers(await this.#pad(f))).length })],
      ['padUsers', async (f) => ({ padUsers: await this.#padUsers(await this.#pad(f)) })],
      ['listAuthorsOfPad', async (f) => ({ authorIDs: await this.#authorsOf(await this.#pad(f)) })],
      ['getAuthorName', (f) => this.#authorName(f)],
      ['getReadOnlyID', async (f) => ({ readOnlyID: await this.#readOnly.idOf(await this.#pad(f)) })],
      ['getPadID', async (f) => ({ padID: this.#padOfReadOnlyId(f['roID']) })],
      ['getChatHistory', (f) => this.#chatHistory(f)],
      ['getChatHead', async (f) => (await this.#pad(f), { chatHead: -1 })],
      ['checkToken', async () => null],
      ['appendText', (f) => this.#appendText(f)],
      ['setText', (f) => this.#setText(f)],
      ['createPad', (f) => this.#createPad(f)],
      ['deletePad', async (f) => {
        await this.#pad(f);
        throw new EtherpadParamError('deletePad is not supported: mcpad keeps every session (an admin deletes sessions, not the API)');
      }],
    ]);
  }

  /** The function named `name`, or undefined (Etherpad's code 3, "no such function"). */
  function(name: string): Fn | undefined {
    return this.#functions.get(name);
  }

  /** The pad's text at the head, or with `rev` at the nearest checkpoint at or before it. */
  async getText(fields: Fields): Promise<{ text: string }> {
    const pad = await this.#pad(fields);
    return this.#atRev(fields, pad, async (notesDoc) => {
      if (pad.topicId === null) return { text: (await this.#d.exports.exportSession(pad.sessionId, 'txt', notesDoc ? { notesDoc } : {})).body };
      return { text: await this.#topicText(pad, notesDoc) };
    });
  }

  async getHTML(fields: Fields): Promise<{ html: string }> {
    const pad = await this.#pad(fields);
    return this.#atRev(fields, pad, async (notesDoc) => {
      if (pad.topicId === null) return { html: (await this.#d.exports.exportSession(pad.sessionId, 'html', notesDoc ? { notesDoc } : {})).body };
      const lines = (await this.#topicText(pad, notesDoc)).split('\n').map(escapeHtml);
      return { html: `<!DOCTYPE HTML><html><body>${lines.join('<br>')}</body></html>` };
    });
  }

  /**
   * An Etherpad export file (`.etherpad`) of `text`: the pad record with the head text and one
   * revision inserting it, which Etherpad's own import accepts. No authors: authorship stays in mcpad.
   */
  async etherpadFile(padId: string, text: string): Promise<string> {
    const pad = this.resolve(padId);
    if (!pad) throw new EtherpadParamError('padID does not exist');
    const timestamp = await this.#lastEdited(pad);
    const full = text.endsWith('\n') ? text : `${text}\n`;
    const inserted = full.slice(0, -1);
    const newlines = (inserted.match(/\n/g) ?? []).length;
    const lastNewline = inserted.lastIndexOf('\n') + 1;
    const b36 = (n: number) => n.toString(36);
    const ops = (newlines > 0 ? `|${b36(newlines)}+${b36(lastNewline)}` : '') + (inserted.length > lastNewline ? `+${b36(inserted.length - lastNewline)}` : '');
    const changeset = `Z:1>${b36(inserted.length)}${ops}$${inserted}`;
    return JSON.stringify({
      [`pad:${padId}`]: {
        atext: { text: full, attribs: `|${b36(newlines + 1)}+${b36(full.length)}` },
        pool: { numToAttrib: {}, nextNum: 0 },
        head: 0,
        chatHead: -1,
        publicStatus: false,
        savedRevisions: [],
      },
      [`pad:${padId}:revs:0`]: { changeset, meta: { author: '', timestamp } },
    });
  }

  /** The pad named by `padID`; code 1 as Etherpad words it when missing or unknown. */
  async #pad(fields: Fields): Promise<PadRef> {
    const padId = fields['padID'];
    if (typeof padId !== 'string') throw new EtherpadParamError('padID is not a string');
    const pad = this.resolve(padId);
    if (!pad) throw new EtherpadParamError('padID does not exist');
    return pad;
  }

  /** The existing pad a pad id names: `<sessionId>`, `<sessionId>.<topicId>`, or a legacy pad name
   *  an admin mapped to one of those (the alias table); null when there is none. */
  resolve(padId: string): PadRef | null {
    const direct = parsePadId(padId);
    if (direct && this.#exists(direct)) return direct;
    const alias = this.#d.meta.padAlias(padId);
    const aliased = alias === undefined ? null : parsePadId(alias);
    return aliased && this.#exists(aliased) ? aliased : null;
  }

  /** The pad a read-only id (`r.…`, getReadOnlyID) stands for while its viewer link lives; else null. */
  resolveReadOnly(readOnlyId: string): PadRef | null {
    return this.#readOnly.resolve(readOnlyId);
  }

  #exists(pad: PadRef): boolean {
    const session = this.#d.meta.findSession(pad.sessionId);
    return session !== undefined && (pad.topicId === null || session.topics.some((t) => t.id === pad.topicId));
  }

  /**
   * Runs `read` on the notes `rev` names: the live doc (null) without `rev` or at the head, else
   * the nearest checkpoint at or before `rev` (code 1 when there is none). Etherpad's checks of
   * `rev` first, with its messages (parseInt, as it does: "1.5" is 1).
   */
  async #atRev<T>(fields: Fields, pad: PadRef, read: (notesDoc: Y.Doc | null) => Promise<T>): Promise<T> {
    const raw = fields['rev'];
    if (raw === undefined) return read(null);
    const rev = Number.parseInt(raw, 10);
    if (Number.isNaN(rev)) throw new EtherpadParamError('rev is not a number');
    if (rev < 0) throw new EtherpadParamError('rev is not a negative number');
    const head = await this.#revisions(pad.sessionId);
    if (rev > head) throw new EtherpadParamError('rev is higher than the head revision of the pad');
    if (rev === head) return read(null);
    const checkpoint = await this.#revs.atOrBefore(pad.sessionId, rev);
    if (!checkpoint) throw new EtherpadParamError(REV_BEFORE_CHECKPOINTS);
    try {
      return await read(checkpoint.doc);
    } finally {
      checkpoint.doc.destroy();
    }
  }

  async #topicText(pad: PadRef, notesDoc: Y.Doc | null = null): Promise<string> {
    const textOf = (doc: Y.Doc): string => {
      const section = findSection(doc, pad.topicId!);
      return (section && sectionNotes(section)?.toString()) ?? '';
    };
    const text = notesDoc ? textOf(notesDoc) : await this.#d.docs.withDoc(pad.sessionId, (live) => textOf(live.doc));
    // Etherpad's text always ends with a newline.
    return text.endsWith('\n') ? text : `${text}\n`;
  }

  /** The session's revision number (revisions.ts): monotonic, derived from the stored doc. */
  async #revisions(sessionId: string): Promise<number> {
    return this.#d.docs.withDoc(sessionId, (live) => revisionOf(live.doc));
  }

  /** Milliseconds: the recorded time of the last notes change (shared/notes-activity.ts); for a
   *  session whose notes never changed since that was recorded, the later of its metadata change
   *  and its newest checkpoint. */
  async #lastEdited(pad: PadRef): Promise<number> {
    const recorded = await this.#d.state.withDoc(pad.sessionId, (live) => readNotesEditedAt(live.doc));
    if (recorded !== undefined) return recorded;
    const session = this.#d.meta.getSession(pad.sessionId);
    let last = Date.parse(session.updatedAt);
    for (const checkpoint of await this.#d.history.list(pad.sessionId)) last = Math.max(last, Date.parse(checkpoint.createdAt));
    return last;
  }

  /** Presence: everyone connected to the session with a name, as Etherpad's padUsers entries. */
  async #padUsers(pad: PadRef): Promise<Array<{ colorId: string | null; name: string | null; timestamp: number; id: string }>> {
    return this.#d.docs.withDoc(pad.sessionId, (live) => {
      const users: Array<{ colorId: string | null; name: string | null; timestamp: number; id: string }> = [];
      for (const [clientId, state] of live.awareness.getStates()) {
        const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
        if (!user || typeof user !== 'object') continue;
        users.push({
          colorId: typeof user.color === 'string' ? user.color : null,
          name: typeof user.name === 'string' ? user.name : null,
          timestamp: live.awareness.meta.get(clientId)?.lastUpdated ?? Date.now(),
          id: authorIdOf(clientId),
        });
      }
      return users;
    });
  }

  /** Author ids (`a.<Yjs client id>`) whose text is visible in the pad and who have a recorded name. */
  async #authorsOf(pad: PadRef): Promise<string[]> {
    const authors = await this.#d.state.withDoc(pad.sessionId, (live) => readAuthors(live.doc));
    const clients = await this.#d.docs.withDoc(pad.sessionId, (live) => {
      const texts = pad.topicId === null ? notesTexts(live.doc) : [findSection(live.doc, pad.topicId)].flatMap((s) => (s ? [sectionNotes(s)].filter((t) => t !== undefined) : []));
      const seen = new Set<number>();
      for (const text of texts) for (const run of authoredRuns(text)) if (run.text.trim() !== '') seen.add(run.clientId);
      return seen;
    });
    return [...clients].filter((id) => authors.has(id)).map(authorIdOf);
  }

  /** Etherpad answers an unknown author with `data: null`, not an error. */
  async #authorName(fields: Fields): Promise<string | null> {
    const match = /^a\.(\d{1,10})$/.exec(fields['authorID'] ?? '');
    if (!match) return null;
    const clientId = Number(match[1]);
    for (const session of this.#sessions()) {
      const author = await this.#d.state.withDoc(session.id, (live) => readAuthors(live.doc).get(clientId));
      if (author) return author.name;
    }
    return null;
  }

  #padOfReadOnlyId(roId: string | undefined): string {
    const pad = typeof roId === 'string' ? this.#readOnly.resolve(roId) : null;
    if (!pad) throw new EtherpadParamError('padID does not exist');
    return padIdOf(pad);
  }

  async #chatHistory(fields: Fields): Promise<{ messages: never[] }> {
    await this.#pad(fields);
    const { start, end } = fields;
    if (start !== undefined && end !== undefined && Number(start) > Number(end)) throw new EtherpadParamError('start is higher than end');
    return { messages: [] };
  }

  /** Etherpad inserts before the pad's final newline; a session pad appends to its last topic. */
  async #appendText(fields: Fields): Promise<null> {
    const pad = await this.#pad(fields);
    const text = textOf(fields);
    const topicId = pad.topicId ?? this.#d.meta.getSession(pad.sessionId).topics.at(-1)?.id;
    if (!topicId) throw new EtherpadParamError('the session has no topic to append to');
    await this.#write(pad.sessionId, topicId, fields, (notes) => {
      const end = notes.toString().endsWith('\n') ? notes.length - 1 : notes.length;
      notes.insert(end, text);
    });
    return null;
  }

  async #setText(fields: Fields): Promise<null> {
    const pad = await this.#pad(fields);
    const text = textOf(fields);
    if (pad.topicId === null) {
      throw new EtherpadParamError('setText needs a topic pad (<sessionId>.<topicId>): a session pad is every topic\'s notes and action items, which one text cannot replace');
    }
    await this.#write(pad.sessionId, pad.topicId, fields, (notes) => {
      notes.delete(0, notes.length);
      notes.insert(0, text.endsWith('\n') ? text : `${text}\n`);
    });
    return null;
  }

  /** A one-topic session in ETHERPAD_DEFAULT_EVENT, with `text` as the topic's notes. */
  async #createPad(fields: Fields): Promise<null> {
    const padId = fields['padID'];
    if (typeof padId !== 'string') throw new EtherpadParamError('padID is not a string');
    if (!isValidId(padId)) throw new EtherpadParamError('malformed padID: Remove special characters');
    if (this.#d.meta.findSession(padId) || this.#d.meta.padAlias(padId) !== undefined) throw new EtherpadParamError('padID does already exist');
    const eventId = this.#d.defaultEvent;
    if (eventId === null) throw new EtherpadParamError('createPad is not enabled: set ETHERPAD_DEFAULT_EVENT to the event that holds new pads');
    const text = fields['text'] === undefined ? undefined : textOf(fields);
    await this.#d.meta.importSessions(eventId, [{ id: padId, title: padId, topics: [{ id: 'notes', title: 'Notes' }] }], { eventTitle: eventId });
    if (text !== undefined && text !== '') {
      await this.#write(padId, 'notes', fields, (notes) => notes.insert(0, text.endsWith('\n') ? text : `${text}\n`));
    }
    return null;
  }

  async #write(sessionId: string, topicId: string, fields: Fields, change: (notes: Y.Text) => void): Promise<void> {
    // An archived session is read-only for everyone (issue #15), bots included.
    if (this.#d.meta.getSession(sessionId).archived === true) throw new EtherpadParamError('the pad is archived: it is read-only until an admin unarchives it');
    const name = (await this.#authorName({ authorID: fields['authorId'] ?? fields['authorID'] })) ?? API_AUTHOR;
    try {
      await this.#d.writer.edit(sessionId, topicId, { name, color: API_AUTHOR_COLOR }, change);
    } catch (error) {
      if (error instanceof PadWriteError) throw new EtherpadParamError(`the change was not applied: ${error.message}`);
      throw error;
    }
  }

  #sessions(): Session[] {
    return this.#d.meta.listEvents().flatMap((event) => this.#d.meta.sessionsOf(event.id));
  }
}

/** The `text` field, cleaned as Etherpad's Pad.cleanText does: CR LF and CR → LF, tab → 8 spaces,
 *  no-break space → space. */
function textOf(fields: Fields): string {
  const text = fields['text'];
  if (typeof text !== 'string') throw new EtherpadParamError('text is not a string');
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, '        ').replace(/\u00a0/g, ' ');
}

export function authorIdOf(clientId: number): string {
  return `a.${clientId}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
