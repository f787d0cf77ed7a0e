/**
 * Checkpoints: full re-encoded states of a session doc, one file each
 * (`<rootDir>/<sessionId>/<id>.bin`, one CRC frame, written tmp + fsync + rename), listed in an
 * `index.json` per session (lowdb, atomic). The state file is durable before the index names it,
 * so a crash leaves at worst an unlisted file, never a listed checkpoint without its state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { isValidId } from '../../shared/ids.ts';
import { writeFileDurably } from './durable-file.ts';
import { decodeSingleFrame, encodeFrame } from './frame-codec.ts';

export type CheckpointReason = 'auto' | 'idle' | 'manual' | 'final';

export interface CheckpointInfo {
  id: string;
  sessionId: string;
  createdAt: string;
  reason: CheckpointReason;
  /** For finalised versions: 0 → "-00", 1 → "-01"... */
  version?: number;
  /** Who had text in the notes at that moment. */
  contributors: string[];
  bytes: number;
}

export interface CheckpointStore {
  /** Checkpoints of a session, oldest first. */
  list(sessionId: string): Promise<CheckpointInfo[]>;
  /** Stores a checkpoint's state durably, then lists it. */
  save(info: CheckpointInfo, state: Uint8Array): Promise<void>;
  /** The stored state of a checkpoint (CRC-checked). */
  read(sessionId: string, id: string): Promise<Uint8Array>;
  /** Unlists, then deletes, checkpoints. */
  remove(sessionId: string, ids: readonly string[]): Promise<void>;
}

const CHECKPOINT_ID = /^[0-9]{8}T[0-9]{9}Z-[a-z0-9]{4}$/;

/** A sortable id: the UTC time to the millisecond plus 4 random characters. */
export function newCheckpointId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${Math.random().toString(36).slice(2, 6).padEnd(4, '0')}`;
}

export function isCheckpointId(id: string): boolean {
  return CHECKPOINT_ID.test(id);
}

export function createFileCheckpointStore(rootDir: string): CheckpointStore {
  const indexes = new Map<string, Low<CheckpointInfo[]>>();
  const writes = new Map<string, Promise<unknown>>();

  const dirOf = (sessionId: string): string => {
    // Ids come validated from the edge; a path is built from them here, so check again.
    if (!isValidId(sessionId)) throw new Error(`invalid session id ${JSON.stringify(sessionId)}`);
    return path.join(rootDir, sessionId);
  };
  const fileOf = (sessionId: string, id: string): string => {
    if (!isCheckpointId(id)) throw new Error(`invalid checkpoint id ${JSON.stringify(id)}`);
    return path.join(dirOf(sessionId), `${id}.bin`);
  };
  const index = async (sessionId: string): Promise<Low<CheckpointInfo[]>> => {
    let low = indexes.get(sessionId);
    if (!low) {
      low = new Low<CheckpointInfo[]>(new JSONFile<CheckpointInfo[]>(path.join(dirOf(sessionId), 'index.json')), []);
      await low.read();
      indexes.set(sessionId, low);
    }
    return low;
  };
  /** Index changes of one session run one at a time. */
  const serial = <T>(sessionId: string, run: () => Promise<T>): Promise<T> => {
    const next = (writes.get(sessionId) ?? Promise.resolve()).then(run, run);
    writes.set(sessionId, next.catch(() => undefined));
    return next;
  };

  return {
    async list(sessionId) {
      return [...(await index(sessionId)).data];
    },
    save(info, state) {
      return serial(info.sessionId, async () => {
        const file = fileOf(info.sessionId, info.id);
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await writeFileDurably(file, encodeFrame(state));
        const low = await index(info.sessionId);
        low.data.push(info);
        await low.write();
      });
    },
    async read(sessionId, id) {
      const decoded = decodeSingleFrame(await fs.promises.readFile(fileOf(sessionId, id)));
      if ('problem' in decoded) throw new Error(`checkpoint ${sessionId}/${id} is damaged: ${decoded.problem}`);
      return decoded.payload;
    },
    remove(sessionId, ids) {
      return serial(sessionId, async () => {
        const low = await index(sessionId);
        const gone = new Set(ids);
        low.data = low.data.filter((c) => !gone.has(c.id));
        await low.write();
        for (const id of ids) await fs.promises.rm(fileOf(sessionId, id), { force: true });
      });
    },
  };
}
