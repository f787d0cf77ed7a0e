/**
 * The metadata and doc services over a data dir, for the offline CLIs (export, import with
 * restore). Takes the data-dir lock, so it refuses while a server owns the dir; `close()` stores
 * every doc it loaded and releases the lock.
 */
import path from 'node:path';
import { DOCS_FOLDER, META_FILE } from '../app.ts';
import type { Config } from '../config.ts';
import { DocService } from '../docs/doc-service.ts';
import type { Logger } from '../docs/peer.ts';
import { MetaService } from '../meta/meta-service.ts';
import { lockDataDir } from '../storage/data-dir-lock.ts';
import { createFileDocStore } from '../storage/doc-store.ts';
import { createFileMetaStore } from '../storage/meta-store.ts';

export interface DataDirServices {
  meta: MetaService;
  docs: DocService;
  close(): Promise<void>;
}

export async function openDataDirServices(config: Readonly<Config>): Promise<DataDirServices> {
  const release = await lockDataDir(config.dataDir);
  try {
    const meta = await MetaService.open(createFileMetaStore(path.join(config.dataDir, META_FILE)));
    const docs = new DocService(
      createFileDocStore({
        rootDir: path.join(config.dataDir, DOCS_FOLDER),
        fsyncIntervalMs: config.fsyncIntervalMs,
        maxFrameBytes: Math.max(config.maxMessageBytes, config.compactLogBytes) * 4,
        onWarning: (docId, message) => console.error(`warning (${docId}): ${message}`),
      }),
      { topicsOf: (id) => meta.findSession(id)?.topics },
      // Each doc is used once: unload it at once so a large event is not held in memory.
      { compactLogBytes: config.compactLogBytes, docIdleUnloadMs: 0, maxQueuedFrames: 0, log: stderrLogger() },
    );
    meta.onTopicsAdded((session) => docs.topicsChanged(session.id));
    return {
      meta,
      docs,
      async close() {
        try {
          await docs.shutdown();
        } finally {
          await release();
        }
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Warnings and errors on stderr (stdout may carry the export itself). */
function stderrLogger(): Logger {
  const noop = (): void => undefined;
  return {
    error: (obj, message) => console.error(`error: ${message ?? ''}`, (obj as { err?: Error }).err?.message ?? ''),
    warn: (_obj, message) => console.error(`warning: ${message ?? ''}`),
    info: noop,
    debug: noop,
  };
}
