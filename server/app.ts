/**
 * Wires the concrete parts into a Fastify app: storage → services → HTTP and WebSocket edges.
 * Never listens (main.ts does; tests listen on port 0).
 */
import path from 'node:path';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { DocService } from './docs/doc-service.ts';
import { notesTemplate, stateTemplate } from './docs/doc-templates.ts';
import { FollowupsService } from './docs/followups-service.ts';
import { SessionRecord } from './docs/session-record.ts';
import { CheckpointService } from './docs/checkpoint-service.ts';
import { createFileCheckpointStore } from './storage/checkpoint-store.ts';
import { historyRoutes } from './http/history-routes.ts';
import { followupRoutes } from './http/followup-routes.ts';
import { recordRoutes } from './http/record-routes.ts';
import { tokenRoutes } from './http/token-routes.ts';
import { AccessPolicy } from './meta/access-policy.ts';
import { eventRoutes } from './http/event-routes.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { importRoutes } from './http/import-routes.ts';
import { MetaService } from './meta/meta-service.ts';
import { loadSeed } from './meta/seed.ts';
import { loadOrCreateAdminToken } from './storage/admin-token-file.ts';
import { lockDataDir } from './storage/data-dir-lock.ts';
import { createFileDocStore, type DocStore } from './storage/doc-store.ts';
import { createFileMetaStore, type MetaStore } from './storage/meta-store.ts';
import { collabRoute } from './ws/collab-route.ts';

/** Parts a test may replace (e.g. an in-memory store); everything else comes from the config. */
export interface AppDeps {
  metaStore?: MetaStore;
  docStore?: DocStore;
  stateStore?: DocStore;
}

export interface App {
  fastify: FastifyInstance;
  meta: MetaService;
  docs: DocService;
  /** The per-session state docs (follow-ups...; written only by the server). */
  stateDocs: DocService;
  followups: FollowupsService;
  record: SessionRecord;
  history: CheckpointService;
  access: AccessPolicy;
  /** The admin token in force, and the file it is kept in when it was generated. */
  admin: { token: string; file: string | null; created: boolean };
  /** Sessions created from the seed on this start, with their lead tokens (shown once). */
  seeded: Array<{ sessionId: string; leadToken: string }>;
}

export const META_FILE = 'meta.json';
export const DOCS_FOLDER = 'docs';
export const STATE_FOLDER = 'state';
export const CHECKPOINTS_FOLDER = 'checkpoints';

export async function buildApp(config: Readonly<Config>, deps: AppDeps = {}): Promise<App> {
  const releaseDataDir = await lockDataDir(config.dataDir);
  const fastify = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
    // Per-request lines only when debugging: a busy room would drown the useful ones.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  });

  const meta = await MetaService.open(deps.metaStore ?? createFileMetaStore(path.join(config.dataDir, META_FILE)));
  const seeded = meta.isFresh && config.seedDir ? await loadSeed(meta, config.seedDir) : [];
  const admin = config.adminToken
    ? { token: config.adminToken, file: null, created: false }
    : await loadOrCreateAdminToken(config.dataDir);

  const storeOptions = (folder: string) => ({
    rootDir: path.join(config.dataDir, folder),
    fsyncIntervalMs: config.fsyncIntervalMs,
    maxFrameBytes: Math.max(config.maxMessageBytes, config.compactLogBytes) * 4,
    onWarning: (docId: string, message: string) => fastify.log.warn({ docId, folder }, message),
  });
  const docOptions = {
    compactLogBytes: config.compactLogBytes,
    docIdleUnloadMs: config.docIdleUnloadMs,
    maxQueuedFrames: 256,
    log: fastify.log,
  };
  // The notes docs report to the record and the history, which need the notes docs: wired below.
  let record: SessionRecord | null = null;
  let history: CheckpointService | null = null;
  const docs = new DocService(
    deps.docStore ?? createFileDocStore(storeOptions(DOCS_FOLDER)),
    notesTemplate((sessionId) => meta.findSession(sessionId)?.topics),
    {
      ...docOptions,
      onLoaded: (live) => {
        record?.watchAuthors(live);
        history?.track(live);
      },
      onLastPeerLeft: (live) => history?.lastPeerLeft(live),
      onUnloaded: (sessionId) => history?.untrack(sessionId),
    },
  );
  const stateDocs = new DocService(
    deps.stateStore ?? createFileDocStore(storeOptions(STATE_FOLDER)),
    stateTemplate((sessionId) => meta.hasSession(sessionId)),
    docOptions,
  );
  const followups = new FollowupsService(meta, docs, stateDocs);
  record = new SessionRecord(meta, docs, stateDocs, fastify.log);
  history = new CheckpointService(createFileCheckpointStore(path.join(config.dataDir, CHECKPOINTS_FOLDER)), meta, docs, record, {
    intervalMs: config.checkpointIntervalMs,
    maxAutoPerSession: config.maxAutoCheckpoints,
    log: fastify.log,
  });
  const access = new AccessPolicy(meta, admin.token);
  meta.onTopicsAdded((session) => docs.sessionChanged(session.id));

  installErrorHandler(fastify);
  // Registered before the WebSocket plugin's own preClose, so peers get 1001 and docs are stored
  // before the sockets are torn down.
  fastify.addHook('preClose', async () => {
    await history?.close();
    await Promise.all([docs.shutdown(), stateDocs.shutdown()]);
  });
  fastify.addHook('onClose', async () => releaseDataDir());
  await fastify.register(fastifyWebsocket, { options: { maxPayload: config.maxMessageBytes } });
  await fastify.register(healthRoutes, { docs });
  await fastify.register(eventRoutes, { meta, docs });
  await fastify.register(importRoutes, { meta, adminToken: admin.token });
  await fastify.register(tokenRoutes, { meta, access, adminToken: admin.token });
  await fastify.register(followupRoutes, { meta, access, followups });
  await fastify.register(recordRoutes, { access, record });
  await fastify.register(historyRoutes, { access, history });
  await fastify.register(collabRoute, { docs, state: stateDocs, access, meta, pingIntervalMs: config.pingIntervalMs });
  return { fastify, meta, docs, stateDocs, followups, record, history, access, admin, seeded };
}
