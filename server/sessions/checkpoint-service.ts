/**
 * History of a session's notes: checkpoints (full re-encoded states, not a GC-less doc) taken
 * every `intervalMs` while the notes change, when the last client leaves, and on demand;
 * finalised versions (-00, -01, ...) that never change; per-topic diffs; and restoring one
 * topic's notes from a checkpoint as a new edit (history is never rewritten).
 *
 * Retention: manual checkpoints and finalised versions are kept forever; automatic ones (auto,
 * idle) are kept up to `maxAutoPerSession`, the oldest going first. Manual ones are bounded
 * instead at creation (issue #13): an unchanged doc gives back the newest checkpoint, and a
 * session may take `maxManualPerHour` of them per hour and keep `maxManualPerSession` in all.
 *
 * "Changed" compares fingerprints (state vector and delete set), so a deletion alone counts.
 */
import { diffChars, diffWordsWithSpace } from 'diff';
import * as Y from 'yjs';
import { findSection, readSections, sectionNotes, type SectionSnapshot } from '../../shared/doc-schema.ts';
import { AppError } from '../../shared/errors.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { newCheckpointId, type CheckpointInfo, type CheckpointReason, type CheckpointStore } from '../storage/checkpoint-store.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { LiveDoc } from '../docs/live-doc.ts';
import type { Logger } from '../logger.ts';
import type { SessionRecord } from './session-record.ts';
import type { SkipLog } from '../docs/skip-log.ts';
import { docFingerprint, updateFingerprint } from '../docs/doc-fingerprint.ts';

export interface CheckpointServiceOptions {
  intervalMs: number;
  maxAutoPerSession: number;
  /** Manual checkpoints a session may take in any hour (counted from the store: cluster-wide). */
  maxManualPerHour: number;
  /** Manual checkpoints a session keeps; at the cap a new one is refused (409). */
  maxManualPerSession: number;
  /** Bounds of one diff request (jsdiff `maxEditLength` per topic, `timeout` for all topics). */
  maxDiffEditLength: number;
  diffTimeoutMs: number;
  log: Logger;
  /** Logs once per doc what readers skipped (a checkpoint taken before repair on load may be malformed). */
  skips: SkipLog;
}

/** A manual checkpoint request's outcome: a new checkpoint, or the newest one when nothing changed. */
export interface ManualCheckpoint {
  info: CheckpointInfo;
  created: boolean;
}

const HOUR_MS = 3_600_000;

export interface TopicDiff {
  topicId: string;
  title: string;
  added: string[];
  removed: string[];
}

/** Checkpoint id, or `live` for the notes as they are now. */
export type CheckpointRef = string;

const AUTOMATIC: ReadonlySet<CheckpointReason> = new Set(['auto', 'idle']);

/** "-00", "-01"... */
export function versionLabel(version: number): string {
  return `-${String(version).padStart(2, '0')}`;
}

export class CheckpointService {
  #store: CheckpointStore;
  #meta: MetaService;
  #notes: DocService;
  #record: SessionRecord;
  #options: CheckpointServiceOptions;
  #timers = new Map<string, NodeJS.Timeout>();
  /** Fingerprint of each session's latest checkpoint known here, to skip unchanged ones. */
  #lastFingerprint = new Map<string, { id: string; fingerprint: string }>();
  /** Manual requests of one session run one at a time, so two clicks cannot both pass the limits. */
  #manualQueue = new Map<string, Promise<unknown>>();
  /** Automatic checkpoints being written (awaited on close). */
  #running = new Set<Promise<unknown>>();
  #closed = false;

  constructor(store: CheckpointStore, meta: MetaService, notes: DocService, record: SessionRecord, options: CheckpointServiceOptions) {
    this.#store = store;
    this.#meta = meta;
    this.#notes = notes;
    this.#record = record;
    this.#options = options;
  }

  /** Starts periodic checkpoints of a loaded notes doc. */
  track(live: LiveDoc): void {
    this.untrack(live.sessionId);
    // In a cluster every instance holding the doc has this timer; only the session's leader acts.
    const timer = setInterval(() => live.isLeader && this.#auto(live.sessionId, 'auto'), this.#options.intervalMs);
    timer.unref();
    this.#timers.set(live.sessionId, timer);
  }

  untrack(sessionId: string): void {
    clearInterval(this.#timers.get(sessionId));
    this.#timers.delete(sessionId);
  }

  /** The last client left: keep what they wrote as a checkpoint. */
  lastPeerLeft(live: LiveDoc): void {
    this.#auto(live.sessionId, 'idle');
  }

  /** Takes a checkpoint now; with `onlyIfChanged`, returns null when nothing changed since the last one. */
  async take(sessionId: string, reason: CheckpointReason, options: { onlyIfChanged?: boolean; version?: number } = {}): Promise<CheckpointInfo | null> {
    const { state, fingerprint } = await this.#notes.withDoc(sessionId, (live) => ({ state: Y.encodeStateAsUpdate(live.doc), fingerprint: docFingerprint(live.doc) }));
    if (options.onlyIfChanged) {
      const latest = (await this.#store.list(sessionId)).at(-1);
      if (latest && (await this.#fingerprintOf(latest)) === fingerprint) return null;
    }
    return this.#save(sessionId, reason, state, fingerprint, options.version);
  }

  /**
   * A checkpoint asked for by a person: the newest checkpoint when the notes did not change since
   * it (nothing new is stored); else a new one, within the per-hour rate (429 RATE_LIMITED) and
   * the per-session cap (409 CHECKPOINT_LIMIT_REACHED).
   */
  takeManual(sessionId: string): Promise<ManualCheckpoint> {
    this.#meta.getSession(sessionId);
    const run = async (): Promise<ManualCheckpoint> => {
      const { state, fingerprint } = await this.#notes.withDoc(sessionId, (live) => ({ state: Y.encodeStateAsUpdate(live.doc), fingerprint: docFingerprint(live.doc) }));
      const all = await this.#store.list(sessionId);
      const latest = all.at(-1);
      if (latest && (await this.#fingerprintOf(latest)) === fingerprint) return { info: latest, created: false };
      const manual = all.filter((c) => c.reason === 'manual');
      const { maxManualPerHour, maxManualPerSession } = this.#options;
      if (manual.length >= maxManualPerSession) {
        throw new AppError('CHECKPOINT_LIMIT_REACHED', `Session "${sessionId}" already keeps ${maxManualPerSession} manual checkpoints (MAX_MANUAL_CHECKPOINTS); finalise a version or ask an admin to raise the limit.`);
      }
      const since = Date.now() - HOUR_MS;
      if (manual.filter((c) => Date.parse(c.createdAt) > since).length >= maxManualPerHour) {
        throw new AppError('RATE_LIMITED', `Session "${sessionId}" took ${maxManualPerHour} manual checkpoints in the last hour (MAX_MANUAL_CHECKPOINTS_PER_HOUR); automatic ones keep running, try again later.`);
      }
      return { info: await this.#save(sessionId, 'manual', state, fingerprint), created: true };
    };
    const next = (this.#manualQueue.get(sessionId) ?? Promise.resolve()).then(run, run);
    const settled = next.catch(() => undefined);
    this.#manualQueue.set(sessionId, settled);
    void settled.then(() => this.#manualQueue.get(sessionId) === settled && this.#manualQueue.delete(sessionId));
    return next;
  }

  async #save(sessionId: string, reason: CheckpointReason, state: Uint8Array, fingerprint: string, version?: number): Promise<CheckpointInfo> {
    const createdAt = new Date();
    const info: CheckpointInfo = {
      id: newCheckpointId(createdAt),
      sessionId,
      createdAt: createdAt.toISOString(),
      reason,
      ...(version !== undefined ? { version } : {}),
      contributors: await this.#record.contributors(sessionId),
      bytes: state.length,
    };
    await this.#store.save(info, state);
    this.#lastFingerprint.set(sessionId, { id: info.id, fingerprint });
    await this.#prune(sessionId);
    return info;
  }

  /** Checkpoints of a session, newest first. */
  async list(sessionId: string): Promise<CheckpointInfo[]> {
    this.#meta.getSession(sessionId);
    return (await this.#store.list(sessionId)).reverse();
  }

  /** A checkpoint's notes and action items, read-only. */
  async get(sessionId: string, ref: CheckpointRef): Promise<{ info: CheckpointInfo | null; sections: SectionSnapshot[] }> {
    const skips = this.#options.skips;
    if (ref === 'live') return { info: null, sections: await this.#notes.withDoc(sessionId, (live) => skips.read(sessionId, (report) => readSections(live.doc, report))) };
    const info = await this.#info(sessionId, ref);
    const doc = await this.#docOf(sessionId, ref);
    return { info, sections: skips.read(`${sessionId}@${ref}`, (report) => readSections(doc, report)) };
  }

  /** A checkpoint's notes doc as stored (a fresh Y.Doc the caller owns); NOT_FOUND when unknown. */
  async doc(sessionId: string, id: string): Promise<Y.Doc> {
    this.#meta.getSession(sessionId);
    return this.#docOf(sessionId, id);
  }

  /** What changed between two checkpoints (or a checkpoint and `live`), per topic, in session order. */
  async diff(sessionId: string, from: CheckpointRef, to: CheckpointRef): Promise<TopicDiff[]> {
    const [before, after] = await Promise.all([this.get(sessionId, from), this.get(sessionId, to)]);
    const old = new Map(before.sections.map((s) => [s.id, s]));
    const diffs: TopicDiff[] = [];
    // A crafted pair of texts can make a word diff quadratic: bounded in edits and in time, and
    // answered 413 past either bound rather than holding the event loop.
    const { maxDiffEditLength, diffTimeoutMs } = this.#options;
    const deadline = Date.now() + diffTimeoutMs;
    for (const section of after.sections) {
      const previous = old.get(section.id)?.notes ?? '';
      if (previous === section.notes) continue;
      const timeout = deadline - Date.now();
      const parts = timeout > 0 ? diffWordsWithSpace(previous, section.notes, { maxEditLength: maxDiffEditLength, timeout }) : undefined;
      if (!parts) {
        throw new AppError('DIFF_TOO_LARGE', `The diff of topic "${section.id}" needs more than ${maxDiffEditLength} edits or ${diffTimeoutMs} ms (MAX_DIFF_EDIT_LENGTH, DIFF_TIMEOUT_MS); compare checkpoints closer together.`);
      }
      diffs.push({
        topicId: section.id,
        title: section.title,
        added: parts.filter((p) => p.added).map((p) => p.value),
        removed: parts.filter((p) => p.removed).map((p) => p.value),
      });
    }
    return diffs;
  }

  /**
   * Makes one topic's live notes equal to what they were at a checkpoint, as a new edit that every
   * client receives (the minimal character changes, so others' cursors elsewhere stay put).
   */
  async restoreTopic(sessionId: string, ref: string, topicId: string): Promise<{ notes: string }> {
    const old = readSections(await this.#docOf(sessionId, ref)).find((section) => section.id === topicId);
    if (!old) throw new AppError('NOT_FOUND', `Checkpoint ${ref} has no topic "${topicId}".`);
    const target = old.notes;
    return this.#notes.edit(sessionId, (live) => {
      const section = findSection(live.doc, topicId);
      if (!section) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no topic "${topicId}".`);
      const text = sectionNotes(section);
      // Only a doc broken after it was loaded (and repaired) lacks it; the next load repairs it.
      if (!text) throw new AppError('NOT_FOUND', `Topic "${topicId}" of session "${sessionId}" has no notes text.`);
      live.doc.transact(() => {
        let at = 0;
        for (const part of diffChars(text.toString(), target)) {
          if (part.removed) text.delete(at, part.value.length);
          else if (part.added) {
            text.insert(at, part.value);
            at += part.value.length;
          } else at += part.value.length;
        }
      });
      return { notes: text.toString() };
    });
  }

  /**
   * Freezes the notes as the next numbered version. Before the session's scheduled end it needs
   * `confirm` (409 CONFIRMATION_REQUIRED otherwise).
   */
  async finalise(sessionId: string, confirm: boolean): Promise<CheckpointInfo> {
    const session = this.#meta.getSession(sessionId);
    const end = session.schedule?.end ? Date.parse(session.schedule.end) : NaN;
    if (!confirm && Number.isFinite(end) && Date.now() < end) {
      throw new AppError('CONFIRMATION_REQUIRED', `The session is scheduled to end at ${session.schedule!.end}; finalising now needs confirmation.`, 'confirm');
    }
    const versions = (await this.#store.list(sessionId)).filter((c) => c.reason === 'final');
    const info = await this.take(sessionId, 'final', { version: versions.length });
    return info!;
  }

  /** Finalised versions, oldest first. */
  async versions(sessionId: string): Promise<CheckpointInfo[]> {
    this.#meta.getSession(sessionId);
    return (await this.#store.list(sessionId)).filter((c) => c.reason === 'final');
  }

  /** The checkpoint id of version `label` ("00", "-01" or "1"). */
  async versionRef(sessionId: string, label: string): Promise<string> {
    const number = Number(label.replace(/^-/, ''));
    const found = (await this.versions(sessionId)).find((v) => v.version === number);
    if (!found) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no finalised version ${label}.`);
    return found.id;
  }

  /** Stops the timers and waits for checkpoints being written (before the docs close). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const sessionId of [...this.#timers.keys()]) this.untrack(sessionId);
    await Promise.all(this.#running);
  }

  #auto(sessionId: string, reason: CheckpointReason): void {
    if (this.#closed) return;
    const run = this.take(sessionId, reason, { onlyIfChanged: true }).catch((error: unknown) => {
      this.#options.log.error({ err: error, sessionId }, 'checkpoint failed');
    });
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  async #info(sessionId: string, id: string): Promise<CheckpointInfo> {
    const info = (await this.#store.list(sessionId)).find((c) => c.id === id);
    if (!info) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no checkpoint "${id}".`);
    return info;
  }

  async #docOf(sessionId: string, id: string): Promise<Y.Doc> {
    await this.#info(sessionId, id);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await this.#store.read(sessionId, id));
    return doc;
  }

  /** A checkpoint's fingerprint: remembered for the latest one taken here, else read and computed
   *  (in a cluster another instance may have taken the latest). */
  async #fingerprintOf(info: CheckpointInfo): Promise<string> {
    const known = this.#lastFingerprint.get(info.sessionId);
    if (known?.id === info.id) return known.fingerprint;
    const fingerprint = updateFingerprint(await this.#store.read(info.sessionId, info.id));
    this.#lastFingerprint.set(info.sessionId, { id: info.id, fingerprint });
    return fingerprint;
  }

  async #prune(sessionId: string): Promise<void> {
    const automatic = (await this.#store.list(sessionId)).filter((c) => AUTOMATIC.has(c.reason));
    const excess = automatic.length - this.#options.maxAutoPerSession;
    if (excess > 0) await this.#store.remove(sessionId, automatic.slice(0, excess).map((c) => c.id));
  }
}
