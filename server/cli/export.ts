/**
 * `npm run export -- --event ID [--session ID] --format md|html|json|txt [--out FILE] [--server URL]`
 *
 * Writes the post-event summary of an event (every session, in schedule order) or of one session
 * to FILE (default: stdout). Without --server it reads DATA_DIR directly (the server must not be
 * running on it: the data dir is locked); with --server it downloads the export from a running
 * server. Progress goes to stderr.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../shared/errors.ts';
import { EXPORT_FORMATS, isExportFormat, type ExportFormat } from '../../shared/export/formats.ts';
import { DOCS_FOLDER, META_FILE } from '../app.ts';
import { ConfigError, configFromEnv } from '../config.ts';
import { DocService } from '../docs/doc-service.ts';
import type { Logger } from '../docs/peer.ts';
import { ExportService, type RenderedExport } from '../export/export-service.ts';
import { MetaService } from '../meta/meta-service.ts';
import { DataDirBusyError, lockDataDir } from '../storage/data-dir-lock.ts';
import { createFileDocStore } from '../storage/doc-store.ts';
import { createFileMetaStore } from '../storage/meta-store.ts';

const USAGE = `usage: npm run export -- --event ID [--session ID] --format ${EXPORT_FORMATS.join('|')} [--out FILE] [--server URL]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      event: { type: 'string' },
      session: { type: 'string' },
      format: { type: 'string', default: 'md' },
      out: { type: 'string' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  if (!values.event && !values.session) {
    console.error(`--event (or --session) is required.\n${USAGE}`);
    return 2;
  }
  const format = values.format;
  if (!isExportFormat(format)) {
    console.error(`--format must be one of ${EXPORT_FORMATS.join(', ')}.\n${USAGE}`);
    return 2;
  }
  const rendered = values.server
    ? await viaServer(values.server, values.event, values.session, format)
    : await fromDataDir(values.event, values.session, format);
  if (values.out) {
    await writeFile(values.out, rendered.body);
    console.error(`Wrote ${values.out} (${Buffer.byteLength(rendered.body)} bytes).`);
  } else {
    process.stdout.write(rendered.body);
  }
  return 0;
}

async function fromDataDir(eventId: string | undefined, sessionId: string | undefined, format: ExportFormat): Promise<RenderedExport> {
  const config = configFromEnv(process.env);
  const release = await lockDataDir(config.dataDir);
  const log = quietLogger();
  const meta = await MetaService.open(createFileMetaStore(path.join(config.dataDir, META_FILE)));
  const docs = new DocService(
    createFileDocStore({
      rootDir: path.join(config.dataDir, DOCS_FOLDER),
      fsyncIntervalMs: config.fsyncIntervalMs,
      maxFrameBytes: Math.max(config.maxMessageBytes, config.compactLogBytes) * 4,
      onWarning: (docId, message) => console.error(`warning (${docId}): ${message}`),
    }),
    { topicsOf: (id) => meta.findSession(id)?.topics },
    // Docs are read once each: unload at once so a large event is not held in memory.
    { compactLogBytes: config.compactLogBytes, docIdleUnloadMs: 0, maxQueuedFrames: 0, log },
  );
  try {
    const exports = new ExportService(meta, docs);
    if (sessionId) {
      const session = meta.getSession(sessionId);
      if (eventId && session.eventId !== eventId) throw new AppError('SESSION_NOT_FOUND', `Session "${sessionId}" belongs to event "${session.eventId}", not "${eventId}".`);
      console.error(`Exporting session ${sessionId} as ${format}...`);
      return await exports.exportSession(sessionId, format);
    }
    const total = meta.sessionsOf(eventId!).length;
    console.error(`Exporting event ${eventId} (${total} session${total === 1 ? '' : 's'}) as ${format}...`);
    return await exports.exportEvent(eventId!, format, {
      onProgress: (index, count, session) => console.error(`session ${index}/${count} ${session.id}`),
    });
  } finally {
    await docs.shutdown();
    await release();
  }
}

async function viaServer(server: string, eventId: string | undefined, sessionId: string | undefined, format: ExportFormat): Promise<RenderedExport> {
  const base = server.replace(/\/$/, '');
  const url = sessionId
    ? `${base}/api/sessions/${encodeURIComponent(sessionId)}/export?format=${format}`
    : `${base}/api/events/${encodeURIComponent(eventId!)}/export?format=${format}`;
  console.error(`Downloading ${url}...`);
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) {
    let detail = body;
    try {
      const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
      detail = `${parsed.error?.code}: ${parsed.error?.message}`;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`the server answered ${response.status} (${detail})`);
  }
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `export.${format}`;
  return { body, contentType: response.headers.get('content-type') ?? '', fileName };
}

/** Only errors, on stderr (stdout may be the export itself). */
function quietLogger(): Logger {
  const noop = (): void => undefined;
  return {
    error: (obj, message) => console.error(`error: ${message ?? ''}`, (obj as { err?: Error }).err?.message ?? ''),
    warn: (obj, message) => console.error(`warning: ${message ?? ''}`),
    info: noop,
    debug: noop,
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DataDirBusyError) {
      console.error(`${error.message}\nStop the server first, or export through it: add --server http://HOST:PORT.`);
    } else if (error instanceof AppError || error instanceof ConfigError) {
      console.error(`Export failed: ${error.message}`);
    } else {
      console.error(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  },
);
