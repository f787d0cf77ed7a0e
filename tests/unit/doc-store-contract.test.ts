/** The DocStore contract over the file store and the memory store (the Redis store: tests/integration/redis-doc-store.test.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileDocStore } from '../../server/storage/doc-store.ts';
import { createMemoryDocStore } from '../../server/storage/memory-doc-store.ts';
import { describeDocStoreContract } from '../helpers/doc-store-contract.ts';

let tmp: string | null = null;

describeDocStoreContract('file store', {
  async create() {
    tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mcpad-doc-store-contract-'));
    return createFileDocStore({ rootDir: path.join(tmp, 'root'), fsyncIntervalMs: 20, maxFrameBytes: 1024 * 1024 });
  },
  async cleanup() {
    if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
    tmp = null;
  },
});

describeDocStoreContract('memory store', {
  async create() {
    return createMemoryDocStore();
  },
});
