/**
 * Builds the summary of a session or an event from the metadata and the live docs, and renders it.
 * Each doc is read synchronously while held (`DocService.withDoc`), so every session is one
 * consistent state even while people type.
 *
 * With a cache, a render is kept under the fingerprints of everything it read (metadata, notes
 * and state docs): a repeat of an unchanged export is not rendered again (`cached: true`).
 */
import { createHash } from 'node:crypto';
import type * as Y from 'yjs';
import type { ConferenceEvent, Session } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { exportFileName, EXPORT_MEDIA_TYPES, type ExportFormat } from '../../shared/export/formats.ts';
import { buildSummaryModel, type SummaryInput, type SummaryModel } from '../../shared/export/model.ts';
import { readExportSections } from '../../shared/export/read-doc.ts';
import { readDiscussion, slotsByTopic } from '../../shared/discussion.ts';
import { readFollowups } from '../../shared/followups.ts';
import { contributors, readAuthors } from '../../shared/authorship.ts';
import { notesTexts } from '../../shared/doc-schema.ts';
import { renderJson } from '../../shared/export/render-json.ts';
import { renderMarkdown } from '../../shared/export/render-markdown.ts';
import { renderText } from '../../shared/export/render-text.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { SkipLog } from '../docs/skip-log.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { docFingerprint } from '../docs/doc-fingerprint.ts';
import type { ExportCache } from './export-cache.ts';
import { renderHtml } from './render-html.ts';

export interface RenderedExport {
  body: string;
  contentType: string;
  fileName: string;
  /** True when served from the export cache (no render). */
  cached?: boolean;
}

export interface ExportOptions {
  /** Called before each session is read (`index` from 1). */
  onProgress?: (index: number, total: number, session: Session) => void;
  /** Time written into the export (default: now); fixed in golden tests. */
  now?: Date;
  /** Read the notes from this doc (e.g. a checkpoint's) instead of the live notes doc; not cached. */
  notesDoc?: Y.Doc;
}

/** Renders a model in `format`. */
export function renderExport(model: SummaryModel, format: ExportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(model);
    case 'html':
      return renderHtml(model);
    case 'json':
      return renderJson(model);
    case 'txt':
      return renderText(model);
    default: {
      const unknown: never = format;
      throw new AppError('VALIDATION_FAILED', `Unknown export format "${String(unknown)}".`);
    }
  }
}

export class ExportService {
  #meta: MetaService;
  #docs: DocService;
  #state: DocService;
  #skips: SkipLog;
  #cache: ExportCache | null;

  constructor(meta: MetaService, docs: DocService, state: DocService, skips: SkipLog, cache: ExportCache | null = null) {
    this.#meta = meta;
    this.#docs = docs;
    this.#state = state;
    this.#skips = skips;
    this.#cache = cache;
  }

  /** The summary model of one session; throws SESSION_NOT_FOUND. */
  async sessionModel(sessionId: string, options: ExportOptions = {}): Promise<SummaryModel> {
    const session = this.#meta.getSession(sessionId);
    const { event } = this.#meta.getEvent(session.eventId);
    return this.#model('session', event, [session], options);
  }

  /** The summary model of an event, sessions in schedule order; throws EVENT_NOT_FOUND. */
  async eventModel(eventId: string, options: ExportOptions = {}): Promise<SummaryModel> {
    const { event } = this.#meta.getEvent(eventId);
    return this.#model('event', event, this.#meta.sessionsOf(eventId), options);
  }

  async exportSession(sessionId: string, format: ExportFormat, options: ExportOptions = {}): Promise<RenderedExport> {
    const session = this.#meta.getSession(sessionId);
    const { event } = this.#meta.getEvent(session.eventId);
    return this.#cachedRender('session', event, [session], format, options, async () => {
      const { model, key } = await this.#keyedModel('session', event, [session], format, options);
      return { key, rendered: { body: renderExport(model, format), contentType: EXPORT_MEDIA_TYPES[format], fileName: exportFileName(model.event.id, sessionId, format) } };
    });
  }

  async exportEvent(eventId: string, format: ExportFormat, options: ExportOptions = {}): Promise<RenderedExport> {
    const { event } = this.#meta.getEvent(eventId);
    const sessions = this.#meta.sessionsOf(eventId);
    return this.#cachedRender('event', event, sessions, format, options, async () => {
      const { model, key } = await this.#keyedModel('event', event, sessions, format, options);
      return { key, rendered: { body: renderExport(model, format), contentType: EXPORT_MEDIA_TYPES[format], fileName: exportFileName(eventId, null, format) } };
    });
  }

  /** Serves a cached render of the same inputs, else renders and keeps it under the key of what
   *  the render itself read (an edit between the two reads cannot file a render under the old key).
   *  Exports with a fixed time or progress reports (CLI, golden tests) bypass the cache. */
  async #cachedRender(
    scope: SummaryInput['scope'],
    event: ConferenceEvent,
    sessions: Session[],
    format: ExportFormat,
    options: ExportOptions,
    render: () => Promise<{ key: string; rendered: RenderedExport }>,
  ): Promise<RenderedExport> {
    const cache = options.now || options.onProgress || options.notesDoc ? null : this.#cache;
    if (cache) {
      const fingerprints: string[] = [];
      for (const session of sessions) {
        fingerprints.push(await this.#state.withDoc(session.id, (live) => docFingerprint(live.doc)));
        fingerprints.push(await this.#docs.withDoc(session.id, (live) => docFingerprint(live.doc)));
      }
      const hit = cache.get(exportKey(scope, format, event, sessions, fingerprints));
      if (hit) return { ...hit, cached: true };
    }
    const { key, rendered } = await render();
    cache?.set(key, rendered);
    return { ...rendered, cached: false };
  }

  async #keyedModel(
    scope: SummaryInput['scope'],
    event: ConferenceEvent,
    sessions: Session[],
    format: ExportFormat,
    options: ExportOptions,
  ): Promise<{ model: SummaryModel; key: string }> {
    const fingerprints: string[] = [];
    const model = await this.#model(scope, event, sessions, options, fingerprints);
    return { model, key: exportKey(scope, format, event, sessions, fingerprints) };
  }

  async #model(
    scope: SummaryInput['scope'],
    event: { id: string; title: string; description: string },
    sessions: Session[],
    options: ExportOptions,
    fingerprints: string[] = [],
  ): Promise<SummaryModel> {
    const inputs: SummaryInput['sessions'] = [];
    for (const [index, session] of sessions.entries()) {
      options.onProgress?.(index + 1, sessions.length, session);
      // Each doc's fingerprint from the same read as its content: the cache key of this render.
      const { followups, discussion, authorsById } = await this.#state.withDoc(session.id, (live) => {
        fingerprints.push(docFingerprint(live.doc));
        return { followups: readFollowups(live.doc), discussion: readDiscussion(live.doc), authorsById: readAuthors(live.doc) };
      });
      // Sections and their authors from the same read of the notes doc.
      const readNotes = (doc: Y.Doc) => {
        fingerprints.push(docFingerprint(doc));
        return this.#skips.read(session.id, (report) => ({
          sections: readExportSections(doc, followups, report),
          authors: contributors(notesTexts(doc), authorsById),
        }));
      };
      const { sections, authors } = options.notesDoc ? readNotes(options.notesDoc) : await this.#docs.withDoc(session.id, (live) => readNotes(live.doc));
      inputs.push({ session, sections, authors, discussed: slotsByTopic(discussion) });
    }
    return buildSummaryModel({
      generatedAt: (options.now ?? new Date()).toISOString(),
      scope,
      event: { id: event.id, title: event.title, description: event.description },
      sessions: inputs,
    });
  }
}

/** The cache key of an export: its format, the metadata read, and each doc's fingerprint. */
function exportKey(scope: SummaryInput['scope'], format: ExportFormat, event: ConferenceEvent, sessions: readonly Session[], fingerprints: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify([scope, format, event, sessions, fingerprints])).digest('base64url');
}
