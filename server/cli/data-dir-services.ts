/**
 * The services over a data dir, for the offline CLIs (export, import with restore). Takes the
 * data-dir lock, so it refuses while a server owns the dir; `close()` stores every doc it loaded
 * and releases the lock.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openServices, type Services } from '../services.ts';
import { lockDataDir } from '../storage/data-dir-lock.ts';

export async function openDataDirServices(config: Readonly<Config>): Promise<Services> {
  const release = await lockDataDir(config.dataDir);
  try {
    // Each doc is used once: unload it at once so a large event is not held in memory.
    const services = await openServices({ ...config, docIdleUnloadMs: 0 }, stderrLogger());
    return {
      ...services,
      async close() {
        try {
          await services.close();
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
