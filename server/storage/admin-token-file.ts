/**
 * The generated admin token, kept in `<dataDir>/admin-token` (mode 0600) when ADMIN_TOKEN is unset.
 * Anyone who can read the file is admin (issue #13): an existing file that group or others may
 * access is fixed to 0600 on start (and reported), and one that cannot be fixed, or is not a plain
 * file (a symlink would let chmod and reads reach some other file), stops the start with a message
 * naming the file and the fix.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';
/** Owner read/write only. */
export const ADMIN_TOKEN_FILE_MODE = 0o600;

export interface AdminTokenFile {
  token: string;
  file: string;
  created: boolean;
  /** The mode the file had when it was found open to group/other and fixed to 0600; null otherwise. */
  fixedMode: number | null;
}

/** Thrown when the token file is unsafe and cannot be made safe; the message says what to do. */
export class AdminTokenFileError extends Error {
  override name = 'AdminTokenFileError';
}

/** Reads the stored token, or creates one (256 random bits) on first start. */
export async function loadOrCreateAdminToken(dataDir: string): Promise<AdminTokenFile> {
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  const fixedMode = await restrictMode(file);
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) return { token, file, created: false, fixedMode };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: ADMIN_TOKEN_FILE_MODE });
  // writeFile's mode applies to a new file only (a too-short token is rewritten in place).
  await chmod(file, ADMIN_TOKEN_FILE_MODE);
  return { token, file, created: true, fixedMode: null };
}

/** Makes an existing token file 0600; returns the mode it had when that changed anything. */
async function restrictMode(file: string): Promise<number | null> {
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (!info.isFile()) {
    throw new AdminTokenFileError(`${file} is not a regular file (a symlink?): replace it with a plain file holding the token, or delete it to have a new token generated, or set ADMIN_TOKEN.`);
  }
  const mode = info.mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  try {
    await chmod(file, ADMIN_TOKEN_FILE_MODE);
  } catch (error) {
    throw new AdminTokenFileError(
      `${file} may be read by other users (mode ${mode.toString(8).padStart(4, '0')}) and could not be fixed (${(error as NodeJS.ErrnoException).code}): run \`chmod 600 ${file}\` as its owner, or set ADMIN_TOKEN.`,
    );
  }
  return mode;
}
