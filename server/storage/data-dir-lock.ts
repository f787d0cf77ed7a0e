/**
 * One process owns a data dir at a time: the server (and the offline import CLI) write their pid
 * to `<dataDir>/owner.pid`. A pid file left by a killed process is taken over.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'owner.pid';

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The data dir ${dataDir} is in use by process ${pid} (a running mcpad server?).`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data dir for this process; returns the release function. Throws DataDirBusyError. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  // Owner only (issue #13): it holds the admin token, the notes and the metadata. An existing dir
  // keeps the mode its owner gave it.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirBusyError(dataDir, pid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeFile(file, `${process.pid}\n`);
  return async () => {
    await rm(file, { force: true });
  };
}
