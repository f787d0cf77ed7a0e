/**
 * Wires the concrete parts into a Fastify app: storage → services → HTTP and WebSocket edges.
 * Never listens (main.ts does; tests listen on port 0).
 */
import path from 'node:path';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { PROJECT_ROOT, type Config } from './config.ts';
import { DocService } from './docs/doc-service.ts';
import { eventRoutes } from './http/event-routes.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { importRoutes } from './http/import-routes.ts';
import { clientRoutes } from './http/client-routes.ts';
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
}

export interface App {
  fastify: FastifyInstance;
  meta: MetaService;
  docs: DocService;
  /** The admin token in force, and the file it is kept in when it was generated. */
  admin: { token: string; file: string | null; created: boolean };
  /** Session ids created from the seed on this start (empty unless the data dir was empty). */
  seeded: string[];
}

export const META_FILE = 'meta.json';
export const DOCS_FOLDER = 'docs';

export async function buildApp(config: Readonly<Config>, deps: AppDeps = {}): Promise<App> {
  const releaseDataDir = await lockDataDir(config.dataDir);
  const fastify = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
    disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
  });

  const meta = await MetaService.open(deps.metaStore ?? createFileMetaStore(path.join(config.dataDir, META_FILE)));
  const seeded = meta.isFresh && config.seedDir ? await loadSeed(meta, config.seedDir) : [];
  const admin = config.adminToken
    ? { token: config.adminToken, file: null, created: false }
    : await loadOrCreateAdminToken(config.dataDir);

  const docStore =
    deps.docStore ??
    createFileDocStore({
      rootDir: path.join(config.dataDir, DOCS_FOLDER),
      fsyncIntervalMs: config.fsyncIntervalMs,
      maxFrameBytes: Math.max(config.maxMessageBytes, config.compactLogBytes) * 4,
      onWarning: (docId, message) => fastify.log.warn({ sessionId: docId }, message),
    });
  const docs = new DocService(
    docStore,
    { topicsOf: (sessionId) => meta.findSession(sessionId)?.topics },
    {
      compactLogBytes: config.compactLogBytes,
      docIdleUnloadMs: config.docIdleUnloadMs,
      maxQueuedFrames: 256,
      log: fastify.log,
    },
  );
  meta.onTopicsAdded((session) => docs.topicsChanged(session.id));

  installErrorHandler(fastify);
  // Registered before the WebSocket plugin's own preClose, so peers get 1001 and docs are stored
  // before the sockets are torn down.
  fastify.addHook('preClose', async () => docs.shutdown());
  fastify.addHook('onClose', async () => releaseDataDir());
  await fastify.register(fastifyWebsocket, { options: { maxPayload: config.maxMessageBytes } });
  await fastify.register(healthRoutes, { docs });
  await fastify.register(eventRoutes, { meta, docs });
  await fastify.register(importRoutes, { meta, adminToken: admin.token });
  await fastify.register(collabRoute, { docs, pingIntervalMs: config.pingIntervalMs });
  await fastify.register(clientRoutes, { distDir: path.join(PROJECT_ROOT, 'client', 'dist') });
  return { fastify, meta, docs, admin, seeded };
}
