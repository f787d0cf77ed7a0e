/**
 * Metadata storage (events, sessions, topics) in one lowdb JSON file. lowdb rewrites the whole
 * file on each write (atomically: temp file + rename, via steno), so it holds metadata only,
 * never per-keystroke Yjs updates.
 */
import { Low, Memory } from 'lowdb';
// The file adapter is passed explicitly: lowdb's JSONFilePreset silently swaps in an in-memory
// adapter when NODE_ENV=test (which vitest sets), and persistence tests would then test nothing.
import { JSONFile } from 'lowdb/node';
import type { AuditEntry, ConferenceEvent, Session } from '../../shared/domain.ts';
import type { TokenRole } from '../../shared/roles.ts';

export const META_SCHEMA_VERSION = 1;

/** A session link as stored: its hash, never the token itself (server/meta/tokens.ts makes them). */
export interface TokenRecord {
  id: string;
  eventId: string;
  sessionId: string;
  role: TokenRole;
  label: string;
  /** SHA-256 of the token, hex. */
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

export interface MetaData {
  version: number;
  events: ConferenceEvent[];
  sessions: Session[];
  /** Session links (hashes only); absent in files written before links existed. */
  tokens?: TokenRecord[];
  /** Legacy Etherpad pad names → mcpad pad ids (`<sessionId>` or `<sessionId>.<topicId>`), kept by
   *  an admin (issue #16); absent in files written before. */
  padAliases?: Record<string, string>;
  /** Follow-ups carried over (issue #17): `<sessionId>/<actionId>` of the original → where it went.
   *  The cluster-wide "once only" record (metadata writes are atomic across instances); the links
   *  shown live in the state docs. Absent in files written before. */
  carried?: Record<string, { eventId: string; sessionId: string; actionId: string }>;
  /** Who changed what (issue #15), oldest first, bounded per event; absent in files written before. */
  audit?: AuditEntry[];
}

export interface MetaStore {
  /** The stored metadata, or null when nothing was ever stored (first start). */
  load(): Promise<MetaData | null>;
  /** Replaces the stored metadata atomically; resolves once it is written. */
  save(data: MetaData): Promise<void>;
}

/**
 * Metadata shared by several instances (cluster mode, issue #8). Each instance keeps a copy in
 * memory; writes are optimistic (compare the revision, retry on conflict), and the others hear of
 * each saved revision so they reload.
 */
export interface SharedMetaStore extends MetaStore {
  readonly shared: true;
  /** Stored data with its revision (0 and null when nothing stored yet). */
  loadRevision(): Promise<{ data: MetaData | null; revision: number }>;
  /** Replaces the data only if the stored revision is still `basedOn` (atomic); publishes a change notice. */
  saveIfCurrent(data: MetaData, basedOn: number): Promise<{ saved: true; revision: number } | { saved: false }>;
  /** Calls `listener` after another instance saved (not for own saves), and after a reconnect
   *  (notices sent meanwhile are lost); returns unsubscribe. */
  onRemoteChange(listener: () => void): () => void;
  /** Stops listening for notices; the Redis connections stay open (their owner closes them). */
  close(): Promise<void>;
}

export function isSharedMetaStore(store: MetaStore): store is SharedMetaStore {
  return (store as Partial<SharedMetaStore>).shared === true;
}

/** `data` if its schema version is the one this code reads; throws otherwise. */
export function checkMetaVersion(data: MetaData): MetaData {
  if (data.version !== META_SCHEMA_VERSION) {
    throw new Error(`metadata schema version ${String(data.version)} is not supported (expected ${META_SCHEMA_VERSION})`);
  }
  return data;
}

function lowStore(low: Low<MetaData | null>): MetaStore {
  return {
    async load() {
      await low.read();
      const data = low.data;
      return data === null ? null : checkMetaVersion(data);
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
