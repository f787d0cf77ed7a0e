/**
 * `npm run import -- FILE [--event ID] [--session ID] [--title TITLE] [--format page|markdown|json|indico]
 *                       [--event-title TITLE] [--server URL]`
 *
 * Imports a topic list, or restores an mcpad JSON export (sessions with notes and action items).
 * Without --server it writes to DATA_DIR directly (the server must not be
 * running on it); with --server it posts to a running server's API using ADMIN_TOKEN or the token
 * kept in DATA_DIR.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runCli } from './run-cli.ts';
import { configFromEnv } from '../config.ts';
import { importWithRestore, type ImportWithRestoreResult } from '../import/restore.ts';
import { parseImportRequest, type ImportQuery } from '../import/import-request.ts';
import { detectFormat, IMPORT_FORMATS, isImportFormat } from '../import/index.ts';
import { loadOrCreateAdminToken } from '../storage/admin-token-file.ts';
import { openDataDirServices } from './data-dir-services.ts';

const USAGE = 'usage: npm run import -- FILE [--event ID] [--session ID] [--title TITLE] [--format page|markdown|json|indico] [--event-title TITLE] [--server URL]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      event: { type: 'string', default: 'lpc2019' },
      session: { type: 'string' },
      title: { type: 'string' },
      format: { type: 'string' },
      'event-title': { type: 'string' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const file = positionals[0]!;
  if (values.format && !isImportFormat(values.format)) {
    console.error(`--format must be one of ${IMPORT_FORMATS.join(', ')}.\n${USAGE}`);
    return 2;
  }
  const config = configFromEnv(process.env);
  const body = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const query: ImportQuery = {
    ...(values.format && isImportFormat(values.format) ? { format: values.format } : {}),
    ...(values.session ? { sessionId: values.session } : {}),
    ...(values.title ? { title: values.title } : {}),
    ...(values['event-title'] ? { eventTitle: values['event-title'] } : {}),
  };
  console.error(`Importing ${file} into event "${values.event}"...`);

  if (values.server) {
    const token = config.adminToken ?? (await loadOrCreateAdminToken(config.dataDir)).token;
    const params = new URLSearchParams(query as Record<string, string>);
    params.set('format', query.format ?? detectFormat(file, body));
    const url = `${values.server.replace(/\/$/, '')}/api/events/${encodeURIComponent(values.event)}/sessions?${params}`;
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body });
    const result = await response.json();
    if (!response.ok) {
      console.error(`Import refused (${response.status} ${result.error?.code}): ${result.error?.message}`);
      return 1;
    }
    report(result);
    return 0;
  }

  // An mcpad JSON export also restores notes and action items, so the docs are opened too.
  const { meta, docs, stateDocs, close } = await openDataDirServices(config);
  try {
    const request = parseImportRequest(body, file, query);
    report(await importWithRestore(meta, docs, stateDocs, values.event, request, query.eventTitle ? { eventTitle: query.eventTitle } : {}));
    return 0;
  } finally {
    await close();
  }
}

function report(result: ImportWithRestoreResult): void {
  if (result.eventCreated) console.log(`Created event ${result.eventId}.`);
  for (const s of result.sessions) {
    console.log(`${s.created ? 'Created' : 'Updated'} session ${s.id}: ${s.addedTopics.length} topic(s) added${s.skippedTopics.length ? `, ${s.skippedTopics.length} already present` : ''}.`);
  }
  for (const r of result.restored ?? []) {
    console.log(`Restored notes and action items of ${r.restoredTopics.length} topic(s) in ${r.id}${r.missingTopics.length ? ` (no section for: ${r.missingTopics.join(', ')})` : ''}.`);
  }
}

runCli('Import', main);
