/**
 * `npm run import-pad -- FILE --session ID [--server URL]`
 *
 * Imports an Etherpad pad export (`.etherpad`, `.txt` or `.html`, picked by the file name) into a
 * session's notes, keeping its authors (see docs/etherpad.md). Progress goes to stderr. Without
 * --server it writes to DATA_DIR directly (the server must not be running on it); with --server it
 * posts to a running server's `POST /api/sessions/:sessionId/import-pad` using ADMIN_TOKEN or the
 * token kept in DATA_DIR.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runCli } from './run-cli.ts';
import { configFromEnv } from '../config.ts';
import { AppError } from '../../shared/errors.ts';
import { ImportError } from '../import/import-error.ts';
import { padFormatOf, parseEtherpadPad } from '../import/etherpad/index.ts';
import { importPad, type PadImportResult } from '../import/etherpad/import-pad.ts';
import { loadOrCreateAdminToken } from '../storage/admin-token-file.ts';
import { openDataDirServices } from './data-dir-services.ts';

const USAGE = 'usage: npm run import-pad -- FILE --session ID [--server URL]   (FILE: .etherpad, .txt or .html)';
const CONTENT_TYPES = { etherpad: 'application/json', txt: 'text/plain', html: 'text/html' } as const;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { session: { type: 'string' }, server: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1 || !values.session) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const file = positionals[0]!;
  const format = padFormatOf(file);
  if (!format) {
    console.error(`${file}: the file name must end in .etherpad, .txt or .html.\n${USAGE}`);
    return 2;
  }
  const config = configFromEnv(process.env);
  const started = performance.now();
  const body = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  console.error(`Read ${file} (${(body.length / 1024).toFixed(0)} KiB).`);

  if (values.server) {
    const token = config.adminToken ?? (await loadOrCreateAdminToken(config.dataDir)).token;
    const url = `${values.server.replace(/\/$/, '')}/api/sessions/${encodeURIComponent(values.session)}/import-pad`;
    console.error(`Sending it to ${url}...`);
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': CONTENT_TYPES[format] }, body });
    const result = await response.json();
    if (!response.ok) {
      console.error(`Import refused (${response.status} ${result.error?.code}): ${result.error?.message}`);
      return 1;
    }
    report(result, started);
    return 0;
  }

  let pad;
  try {
    pad = parseEtherpadPad(format, body);
  } catch (error) {
    if (error instanceof ImportError) throw new AppError('IMPORT_INVALID', error.message);
    throw error;
  }
  console.error(`Parsed ${pad.lines.length} line(s) and ${pad.authors.size} author(s) in ${Math.round(performance.now() - started)} ms; writing into ${values.session}...`);
  const { meta, docs, stateDocs, close } = await openDataDirServices(config);
  try {
    report(await importPad(meta, docs, stateDocs, values.session, pad, { maxDocBytes: config.maxDocBytes }), started);
    return 0;
  } finally {
    await close();
  }
}

function report(result: PadImportResult, started: number): void {
  for (const topic of result.topics) console.log(`${topic.lines} line(s) into ${result.sessionId} / ${topic.id}`);
  if (result.authors.length > 0) console.log(`Authors: ${result.authors.join(', ')}`);
  if (result.lastEdited) console.log(`Pad last edited ${result.lastEdited}`);
  console.error(`Done in ${Math.round(performance.now() - started)} ms.`);
}

runCli('Import', main);
