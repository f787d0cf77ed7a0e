/**
 * `npm run export -- --event ID [--session ID] --format md|html|json|txt [--out FILE] [--server URL]`
 *
 * Writes the post-event summary of an event (every session, in schedule order) or of one session
 * to FILE (default: stdout). Without --server it reads DATA_DIR directly (the server must not be
 * running on it: the data dir is locked); with --server it downloads the export from a running
 * server. Progress goes to stderr.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runCli } from './run-cli.ts';
import { AppError } from '../../shared/errors.ts';
import { EXPORT_FORMATS, isExportFormat, type ExportFormat } from '../../shared/export/formats.ts';
import { configFromEnv } from '../config.ts';
import type { RenderedExport } from '../export/export-service.ts';
import { openDataDirServices } from './data-dir-services.ts';

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
  const { meta, exports, close } = await openDataDirServices(configFromEnv(process.env));
  try {
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
    await close();
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

runCli('Export', main);
