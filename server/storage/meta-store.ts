/**
 * Metadata storage (events, sessions, topics) in one lowdb JSON file. lowdb rewrites the whole
 * file on each write (atomically: temp file + rename, via steno), so it holds metadata only,
 * never per-keystroke Yjs updates.
 */
import { Low, Memory } from 'lowdb';
// The file adapter is passed explicitly: lowdb's JSONFilePreset silently swaps in an in-memory
// adapter when NODE_ENV=test (which vitest sets), and persistence tests would then test nothing.
import { JSONFile } from 'lowdb/node';
import type { ConferenceEvent, Session } from '../../shared/domain.ts';
import type { TokenRecord } from '../meta/tokens.ts';

export const META_SCHEMA_VERSION = 1;

export interface MetaData {
  version: number;
  events: ConferenceEvent[];
  sessions: Session[];
  /** Session links (hashes only); absent in files written before links existed. */
  tokens?: TokenRecord[];
}

export interface MetaStore {
  /** The stored metadata, or null when nothing was ever stored (first start). */
  load(): Promise<MetaData | null>;
  /** Replaces the stored metadata atomically; resolves once it is written. */
  save(data: MetaData): Promise<void>;
}

function lowStore(low: Low<MetaData | null>): MetaStore {
  return {
    async load() {
      await low.read();
      const data = low.data;
      if (data === null) return null;
      if (data.version !== META_SCHEMA_VERSION) {
        throw new Error(`metadata schema version ${String(data.version)} is not supported (expected ${META_SCHEMA_VERSION})`);
      }
      return data;
    },
    async save(data) {
      low.data = structuredClone(data);
      await low.write();
    },
  };
}

/** Metadata kept in `file` (created on first save). */
export function createFileMetaStore(file: string): MetaStore {
  return lowStore(new Low<MetaData | null>(new JSONFile<MetaData | null>(file), null));
}

/** Metadata kept in memory, for service tests. */
export function createMemoryMetaStore(): MetaStore {
  return lowStore(new Low<MetaData | null>(new Memory<MetaData | null>(), null));
}
