/** Crash-safe whole-file writes: temp file, fsync, rename. If the file exists, it is complete. */
import fs from 'node:fs';

/** Writes `data` to `file` through `<file>.tmp` (fsynced, then renamed); the temp file is removed on error. */
export async function writeFileDurably(file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp`;
  try {
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (error) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}
