/**
 * Issue #13, admin token file: whoever reads `DATA_DIR/admin-token` is admin. A data dir the
 * server creates is 0700, a token file open to group/other is fixed to 0600 on start, and a token
 * "file" that is a symlink stops the start with a clear error.
 */
import { chmod, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminTokenFileError } from '../../server/storage/admin-token-file.ts';
import { makeTempDir, serverPool } from '../helpers/server.ts';

const pool = serverPool();
let roots: string[] = [];
afterEach(async () => {
  await pool.closeAll();
  for (const root of roots) await rm(root, { recursive: true, force: true });
  roots = [];
});

async function tempRoot(): Promise<string> {
  const root = await makeTempDir('mcpad-token-file-');
  roots.push(root);
  return root;
}

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('admin token file', () => {
  it('creates DATA_DIR (and missing parents) 0700 and the token file 0600', async () => {
    const dataDir = path.join(await tempRoot(), 'new', 'data');
    const s = await pool.start({ dataDir, adminToken: null });
    expect(s.app.admin.created).toBe(true);
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(path.dirname(dataDir))).toBe(0o700);
    expect(await modeOf(path.join(dataDir, 'admin-token'))).toBe(0o600);
  });

  it('fixes an existing token file that group or others may read to 0600, keeping its token', async () => {
    const dataDir = await tempRoot();
    const file = path.join(dataDir, 'admin-token');
    const token = 'an-existing-admin-token-0123456789';
    await writeFile(file, `${token}\n`);
    await chmod(file, 0o644);
    const s = await pool.start({ dataDir, adminToken: null });
    expect(await modeOf(file)).toBe(0o600);
    expect(s.app.admin).toMatchObject({ token, created: false, fixedMode: 0o644 });
    expect((await readFile(file, 'utf8')).trim()).toBe(token);
  });

  it('refuses to start when the token file is a symlink, leaving its target alone', async () => {
    const root = await tempRoot();
    const dataDir = path.join(root, 'data');
    const target = path.join(root, 'elsewhere');
    await writeFile(target, 'someone-elses-file-0123456789\n');
    await chmod(target, 0o644);
    await pool.start({ dataDir, adminToken: null }).then((s) => s.stop());
    await rm(path.join(dataDir, 'admin-token'));
    await symlink(target, path.join(dataDir, 'admin-token'));
    await expect(pool.start({ dataDir, adminToken: null })).rejects.toBeInstanceOf(AdminTokenFileError);
    expect(await modeOf(target)).toBe(0o644);
  });
});
