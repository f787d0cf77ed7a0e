/**
 * Builds the service layer over a data dir: metadata, the notes docs, the session state docs,
 * follow-ups, the session record, history and exports. Used by the server (app.ts) and by the
 * offline CLIs, so both run exactly the same code over the same files.
 */
import path from 'node:path';
import type { Config } from './config.ts';
import { CheckpointService } from './sessions/checkpoint-service.ts';
import { DocService, type DocServiceOptions } from './docs/doc-service.ts';
import { notesTemplate, stateTemplate } from './sessions/doc-templates.ts';
import { FollowupsService } from './sessions/followups-service.ts';
import { CarryOverService } from './sessions/carry-over-service.ts';
import { DecisionsService } from './sessions/decisions-service.ts';
import type { DocMetrics } from './docs/doc-metrics.ts';
import type { Logger } from './logger.ts';
import { SessionRecord } from './sessions/session-record.ts';
import { NotesActivity } from './sessions/notes-activity.ts';
import { SkipLog } from './docs/skip-log.ts';
import { ExportCache } from './export/export-cache.ts';
import { ExportService } from './export/export-service.ts';
import { joinCluster, type Cluster } from './cluster/cluster.ts';
import { MetaService } from './meta/meta-service.ts';
import { createFileCheckpointStore } from './storage/checkpoint-store.ts';
import { createFileDocStore } from './storage/doc-store.ts';
import type { DocStore } from './storage/doc-store-port.ts';
import { createFileMetaStore, isSharedMetaStore, type MetaStore } from './storage/meta-store.ts';
import { createRedisCheckpointStore } from './cluster/redis-checkpoint-store.ts';
import { createRedisMetaStore } from './cluster/redis-meta-store.ts';
import type { LiveDoc } from './docs/live-doc.ts';
import type { SearchBus } from './search/search-service.ts';

export const META_FILE = 'meta.json';
export const DOCS_FOLDER = 'docs';
export const STATE_FOLDER = 'state';
export const CHECKPOINTS_FOLDER = 'checkpoints';

/** Parts a test may replace (e.g. an in-memory store); everything else comes from the config. */
export interface ServiceDeps {
  metaStore?: MetaStore;
  docStore?: DocStore;
  stateStore?: DocStore;
}

export interface Services {
  meta: MetaService;
  /** The notes docs (one per session). */
  docs: DocService;
  /** The session state docs (follow-ups, discussion, authors; written only by the server). */
  stateDocs: DocService;
  followups: FollowupsService;
  /** Follow-ups carried over from a session's predecessor (issue #17). */
  carryOver: CarryOverService;
  /** Decisions (issue #17): recorded and agreed over HTTP. */
  decisions: DecisionsService;
  record: SessionRecord;
  history: CheckpointService;
  /** When each session's notes last changed (state doc; Etherpad's getLastEdited). */
  activity: NotesActivity;
  exports: ExportService;
  /** Calls `listener` with every doc of either kind (notes, state) once it is loaded (search). */
  onDocLoaded(listener: (live: LiveDoc) => void): void;
  /** Cluster mode: how search indexes on other instances hear of changed sessions. */
  searchBus: SearchBus | null;
  /** Stops timers, stores and closes every doc. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Counters of the notes docs (the server's /metrics). */
  docMetrics?: DocMetrics;
}

/** Cluster mode: documents (and below, metadata) shared with the other instances through Redis. */
function joinClusterOf(config: Readonly<Config>, log: Logger): Promise<Cluster> | null {
  if (!config.redisUrl) return null;
  return joinCluster(
    {
      redisUrl: config.redisUrl,
      redisConnectTimeoutMs: config.redisConnectTimeoutMs,
      redisKeyPrefix: config.redisKeyPrefix,
      redisLeaseMs: config.redisLeaseMs,
      redisStreamRetainMs: config.redisStreamRetainMs,
    },
    log,
  );
}

/** Opens the metadata (shared through Redis in cluster mode); closes the cluster if it cannot. */
async function openMeta(config: Readonly<Config>, log: Logger, cluster: Cluster | null, deps: ServiceDeps): Promise<{ meta: MetaService; metaStore: MetaStore }> {
  const metaStore =
    deps.metaStore ??
    (cluster
      ? createRedisMetaStore(cluster.commands, cluster.subscriber, config.redisKeyPrefix, cluster.instanceId)
      : createFileMetaStore(path.join(config.dataDir, META_FILE)));
  try {
    const meta = await MetaService.open(metaStore, {
      onReloadError: (err) => log.error({ err }, 'reloading the shared metadata failed'),
      auditMaxEntriesPerEvent: config.auditMaxEntriesPerEvent,
    });
    return { meta, metaStore };
  } catch (error) {
    await cluster?.close();
    throw error;
  }
}

/** Where a kind of doc is stored: Redis streams in cluster mode, else logs and snapshots on disk. */
function docStoreFactory(config: Readonly<Config>, log: Logger, cluster: Cluster | null): (folder: string) => DocStore {
  // The updates of one event-loop turn are stored as one, which may pass one message's limit but
  // not the doc's (every update is checked against MAX_DOC_BYTES before it is applied).
  const maxStoredUpdateBytes = Math.max(config.maxMessageBytes, config.maxDocBytes);
  return (folder) =>
    cluster?.docStore(folder, maxStoredUpdateBytes) ??
    createFileDocStore({
      rootDir: path.join(config.dataDir, folder),
      fsyncIntervalMs: config.fsyncIntervalMs,
      // A snapshot is one frame holding the whole doc.
      maxFrameBytes: Math.max(config.maxMessageBytes, config.compactLogBytes, config.maxDocBytes) * 4,
      onWarning: (docId: string, message: string) => log.warn({ docId, folder }, message),
    });
}

/** What every live doc of either kind is held to (issue #6, #13). */
function docServiceOptions(config: Readonly<Config>, log: Logger): DocServiceOptions {
  return {
    compactLogBytes: config.compactLogBytes,
    docIdleUnloadMs: config.docIdleUnloadMs,
    maxQueuedFrames: 256,
    maxLoadedDocs: config.maxLoadedDocs,
    broadcastDelayMs: config.broadcastDelayMs,
    docLimits: {
      maxDocBytes: config.maxDocBytes,
      maxAwarenessStateBytes: config.maxAwarenessStateBytes,
      maxAwarenessIdsPerConnection: config.maxAwarenessIdsPerConnection,
      maxSyncRequestsPerMinute: config.maxSyncRequestsPerMinute,
      maxPresenceNameChars: config.maxPresenceNameChars,
      maxPresenceStatesPerDoc: config.maxPresenceStatesPerDoc,
      maxPresenceBytesPerDoc: config.maxPresenceBytesPerDoc,
    },
    log,
  };
}

/** Search in cluster mode (issue #17): "session X changed" over Redis pub/sub, each instance
 *  ignoring its own announcements. A message lost in a Redis blip is made good by the next edit
 *  of that session or the next start's verification. */
function clusterSearchBus(cluster: Cluster, prefix: string, log: Logger): SearchBus {
  const channel = `${prefix}search:changed`;
  return {
    publish: (sessionId) => {
      cluster.commands.publish(channel, `${cluster.instanceId} ${sessionId}`).catch((err: unknown) => log.warn({ err }, 'search change could not be announced'));
    },
    subscribe: (listener) => {
      cluster.channels
        .subscribe(channel, (message) => {
          const [from, sessionId] = message.toString().split(' ');
          if (from !== cluster.instanceId && sessionId) listener(sessionId);
        })
        .catch((err: unknown) => log.warn({ err }, 'search changes of other instances cannot be followed'));
    },
  };
}

export async function openServices(config: Readonly<Config>, log: Logger, deps: ServiceDeps = {}, options: ServiceOptions = {}): Promise<Services> {
  const cluster = await joinClusterOf(config, log);
  const { meta, metaStore } = await openMeta(config, log, cluster, deps);
  const docStore = docStoreFactory(config, log, cluster);
  const docOptions = docServiceOptions(config, log);
  // The notes docs report to the record and the history, which need the notes docs: set below.
  let record: SessionRecord | null = null;
  let history: CheckpointService | null = null;
  let activity: NotesActivity | null = null;
  const skips = new SkipLog(log);
  const loadedListeners: Array<(live: LiveDoc) => void> = [];
  const docs = new DocService(
    deps.docStore ?? docStore(DOCS_FOLDER),
    notesTemplate((sessionId) => meta.findSession(sessionId)?.topics, log),
    {
      ...docOptions,
      ...(options.docMetrics ? { metrics: options.docMetrics } : {}),
      onLoaded: (live) => {
        record?.watchAuthors(live);
        history?.track(live);
        activity?.watch(live);
        for (const listener of loadedListeners) listener(live);
      },
      onLastPeerLeft: (live) => history?.lastPeerLeft(live),
      onUnloaded: (sessionId) => {
        history?.untrack(sessionId);
        activity?.unwatch(sessionId);
        skips.forget(sessionId);
      },
    },
  );
  const stateDocs = new DocService(
    deps.stateStore ?? docStore(STATE_FOLDER),
    stateTemplate((sessionId) => meta.hasSession(sessionId)),
    { ...docOptions, onLoaded: (live) => loadedListeners.forEach((listener) => listener(live)) },
  );
  activity = new NotesActivity(stateDocs, { flushMs: config.notesEditedFlushMs, log });
  record = new SessionRecord(meta, docs, stateDocs, log, { maxAuthors: config.maxAuthorsPerSession }, skips);
  const checkpointStore = cluster
    ? createRedisCheckpointStore(cluster.commands, config.redisKeyPrefix)
    : createFileCheckpointStore(path.join(config.dataDir, CHECKPOINTS_FOLDER));
  history = new CheckpointService(checkpointStore, meta, docs, record, {
    intervalMs: config.checkpointIntervalMs,
    maxAutoPerSession: config.maxAutoCheckpoints,
    maxManualPerHour: config.maxManualCheckpointsPerHour,
    maxManualPerSession: config.maxManualCheckpoints,
    maxDiffEditLength: config.maxDiffEditLength,
    diffTimeoutMs: config.diffTimeoutMs,
    log,
    skips,
  });
  meta.onTopicsAdded((session) => docs.sessionChanged(session.id));
  const recordReady = record;
  const historyReady = history;
  const followups = new FollowupsService(meta, docs, stateDocs, skips);
  const activityReady = activity;
  return {
    meta,
    docs,
    stateDocs,
    followups,
    carryOver: new CarryOverService(meta, docs, stateDocs, followups),
    decisions: new DecisionsService(meta, docs),
    record: recordReady,
    history: historyReady,
    activity: activityReady,
    exports: new ExportService(meta, docs, stateDocs, skips, new ExportCache(config.exportCacheBytes)),
    onDocLoaded: (listener) => loadedListeners.push(listener),
    searchBus: cluster ? clusterSearchBus(cluster, config.redisKeyPrefix, log) : null,
    async close() {
      await historyReady.close();
      await activityReady.close();
      await Promise.all([docs.shutdown(), stateDocs.shutdown()]);
      await meta.close();
      // The metadata store unsubscribes on the subscriber connection: before the cluster closes it.
      if (isSharedMetaStore(metaStore)) await metaStore.close();
      await cluster?.close();
    },
  };
}
