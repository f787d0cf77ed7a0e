/**
 * Wires the concrete parts into a Fastify app: storage → services → HTTP and WebSocket edges.
 * Never listens (main.ts does; tests listen on port 0).
 */
import os from 'node:os';
import path from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { PROJECT_ROOT, type Config } from './config.ts';
import { eventRoutes } from './http/event-routes.ts';
import { etherpadRoutes } from './http/etherpad-routes.ts';
import { exportRoutes } from './http/export-routes.ts';
import { EtherpadApi } from './etherpad/etherpad-api.ts';
import { PadWriter } from './etherpad/pad-writer.ts';
import { limitExpensiveReads } from './http/expensive-reads.ts';
import { installApiContract, openApiRoutes, type RegisteredRoute } from './http/api-contract.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './http/error-handler.ts';
import { followupRoutes } from './http/followup-routes.ts';
import { carryOverRoutes } from './http/carry-over-routes.ts';
import { decisionRoutes } from './http/decision-routes.ts';
import { healthRoutes } from './http/health-routes.ts';
import { historyRoutes } from './http/history-routes.ts';
import { importRoutes } from './http/import-routes.ts';
import { padImportRoutes } from './http/pad-import-routes.ts';
import { drainBeforeRefusing } from './http/body-drain.ts';
import { defaultHostNames, hostCheck } from './http/host-check.ts';
import { redactingLoggerOptions, type LogDestination } from './http/log-redaction.ts';
import { trustProxyOf } from './http/trusted-proxies.ts';
import { refuseTokenInQuery } from './http/request-token.ts';
import { clientRoutes } from './http/client-routes.ts';
import { metricsRoutes } from './http/metrics-routes.ts';
import { recordRoutes } from './http/record-routes.ts';
import { searchRoutes } from './http/search-routes.ts';
import { SearchService } from './search/search-service.ts';
import { tokenRoutes } from './http/token-routes.ts';
import { sessionEditRoutes } from './http/session-edit-routes.ts';
import { SessionEditor } from './sessions/session-editor.ts';
import { AccessPolicy } from './meta/access-policy.ts';
import { loadSeed } from './import/seed.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { openServices, type ServiceDeps, type Services } from './services.ts';
import { loadOrCreateAdminToken } from './storage/admin-token-file.ts';
import { lockDataDir } from './storage/data-dir-lock.ts';
import { collabRoute } from './ws/collab-route.ts';

export { CHECKPOINTS_FOLDER, DOCS_FOLDER, META_FILE, STATE_FOLDER } from './services.ts';

/** The search index and the doc fingerprints it was built from (issue #17), in DATA_DIR. */
export const SEARCH_INDEX_FILE = 'search-index.json';

export type AppDeps = ServiceDeps & {
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: LogDestination;
};

export interface App extends Services {
  fastify: FastifyInstance;
  access: AccessPolicy;
  /** The admin token in force, and the file it is kept in when it was generated. */
  admin: { token: string; file: string | null; created: boolean; fixedMode: number | null };
  /** Sessions created from the seed on this start, with their lead tokens (shown once). */
  seeded: Array<{ sessionId: string; leadToken: string }>;
  metrics: Metrics;
  /** Every route as registered, for the API contract test (tests/integration/openapi.test.ts). */
  routes: readonly RegisteredRoute[];
  /** Search across events and sessions (issue #17). */
  search: SearchService;
}

/**
 * The browser client is same-origin static files: scripts and styles from 'self' only (CodeMirror
 * injects <style> elements, hence 'unsafe-inline' for styles, never for scripts), WebSockets back
 * to the same host, no plugins, no framing by other sites.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  // 'self' covers ws: and wss: to the page's own host (CSP 3; Chromium, Firefox, Safari), never another's.
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Locks the data dir and loads (or creates) the admin token; an unsafe token file stops the start
 *  before anything is opened (issue #13), and releases the lock. */
async function claimDataDir(config: Readonly<Config>): Promise<{ releaseDataDir: () => Promise<void>; admin: App['admin'] }> {
  const releaseDataDir = await lockDataDir(config.dataDir);
  const admin = config.adminToken
    ? { token: config.adminToken, file: null, created: false, fixedMode: null }
    : await loadOrCreateAdminToken(config.dataDir).catch(async (error: unknown) => {
        await releaseDataDir();
        throw error;
      });
  return { releaseDataDir, admin };
}

function createFastify(config: Readonly<Config>, deps: AppDeps): FastifyInstance {
  return Fastify({
    logger: config.logLevel === 'silent' ? false : redactingLoggerOptions(config.logLevel, deps.logStream),
    bodyLimit: config.maxBodyBytes,
    // Per-request lines only when debugging: a busy room would drown the useful ones.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    // Behind a reverse proxy every client would otherwise count as the proxy for per-IP limits.
    frameworkErrors,
    clientErrorHandler,
    // Fastify's 10 s default fails starts on a busy, shared machine; a slow start is not an error.
    pluginTimeout: 60_000,
    trustProxy: trustProxyOf(config),
    // Slow heads and bodies are cut (408); checked often enough for the limits to hold (Node's default is every 30 s).
    requestTimeout: config.httpRequestTimeoutMs,
    http: { headersTimeout: config.httpHeadersTimeoutMs, connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(config.httpHeadersTimeoutMs / 4))) },
  });
}

/** Every request's gates, before any route: hosts, tokens in URLs, headers, rates. */
async function installGates(fastify: FastifyInstance, config: Readonly<Config>): Promise<void> {
  fastify.addHook('onRequest', hostCheck(new Set([...defaultHostNames(config.host, os.hostname()), ...config.allowedHosts])));
  fastify.addHook('onRequest', refuseTokenInQuery);
  fastify.addHook('onSend', drainBeforeRefusing(config.httpDrainMaxBytes));
  await fastify.register(fastifyHelmet, { contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } });
  limitExpensiveReads(fastify, config.maxExpensiveReadsPerMinute);
  // Write endpoints only (imports now, role changes later); reads and the WebSocket upgrade are
  // GETs, and a room of 300 behind one NAT address must not be locked out of reading.
  await fastify.register(fastifyRateLimit, {
    max: config.maxWriteRequestsPerMinute,
    timeWindow: 60_000,
    allowList: (request) => request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS',
  });
}

async function registerCollab(fastify: FastifyInstance, config: Readonly<Config>, services: Services, access: AccessPolicy): Promise<void> {
  await fastify.register(fastifyWebsocket, {
    options: {
      maxPayload: config.maxMessageBytes,
      // Broadcasts are compressed once for every peer by the collab route, which needs each
      // message compressed on its own (server_no_context_takeover); ws itself compresses nothing
      // (threshold never reached), so it keeps no zlib context per socket for sending.
      perMessageDeflate: config.wsCompression ? { serverNoContextTakeover: true, threshold: Number.POSITIVE_INFINITY } : false,
    },
  });
  await fastify.register(collabRoute, {
    docs: services.docs,
    state: services.stateDocs,
    access,
    meta: services.meta,
    pingIntervalMs: config.pingIntervalMs,
    closeHandshakeTimeoutMs: config.closeHandshakeTimeoutMs,
    rateLimits: {
      maxMessagesPerSecond: config.maxMessagesPerSecond,
      maxBytesPerSecond: config.maxBytesPerSecond,
      maxMessageBytes: config.maxMessageBytes,
    },
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    compressMinBytes: config.wsCompressionMinBytes,
    maxBufferedBytes: config.maxBufferedBytes,
    allowedOrigins: config.allowedOrigins,
  });
}

export async function buildApp(config: Readonly<Config>, deps: AppDeps = {}): Promise<App> {
  const { releaseDataDir, admin } = await claimDataDir(config);
  const fastify = createFastify(config, deps);
  // Read at scrape time only, once the services exist.
  let services: Services | null = null;
  const metrics = createMetrics({ connections: () => services?.docs.connectionCount ?? 0, docsLoaded: () => services?.docs.loadedCount ?? 0 });
  services = await openServices(config, fastify.log, deps, { docMetrics: metrics.docs });
  const { meta, docs, stateDocs, followups, record, history, exports } = services;
  const seeded = meta.isFresh && config.seedDir ? await loadSeed(meta, config.seedDir) : [];
  const access = new AccessPolicy(meta, admin.token);
  const search = new SearchService(meta, docs, stateDocs, access, {
    file: path.join(config.dataDir, SEARCH_INDEX_FILE),
    reindexDelayMs: config.searchReindexDelayMs,
    persistDelayMs: config.searchPersistDelayMs,
    prefixMaxTerms: config.searchPrefixMaxTerms,
    log: fastify.log,
    ...(services.searchBus ? { bus: services.searchBus } : {}),
  });
  services.onDocLoaded((live) => search.watch(live));
  search.start();

  installErrorHandler(fastify);
  // Before any route: the OpenAPI document collects every route as it is registered.
  const routes = await installApiContract(fastify);
  await installGates(fastify, config);
  // Registered before the WebSocket plugin's own preClose, so peers get 1001 and docs are stored
  // before the sockets are torn down.
  fastify.addHook('preClose', async () => {
    // Search reads docs while it reindexes: it stops before they close, and writes its index
    // after (closing compacts docs: the index records the versions the next start finds).
    await search.stop();
    try {
      await services.close();
    } finally {
      await search.close();
    }
  });
  fastify.addHook('onClose', async () => releaseDataDir());
  await fastify.register(healthRoutes, { docs });
  await fastify.register(metricsRoutes, { metrics });
  await fastify.register(eventRoutes, { meta, docs });
  await fastify.register(importRoutes, { meta, docs, state: stateDocs, access });
  await fastify.register(padImportRoutes, { meta, docs, state: stateDocs, access, maxBytes: config.padImportMaxBytes, maxDocBytes: config.maxDocBytes });
  await fastify.register(exportRoutes, { exports });
  await fastify.register(tokenRoutes, { meta, access });
  await fastify.register(sessionEditRoutes, { meta, docs, access, editor: new SessionEditor(meta, docs) });
  await fastify.register(followupRoutes, { meta, access, followups });
  await fastify.register(carryOverRoutes, { meta, access, followups, carryOver: services.carryOver });
  await fastify.register(decisionRoutes, { access, decisions: services.decisions });
  await fastify.register(recordRoutes, { access, record });
  await fastify.register(historyRoutes, { access, history });
  await fastify.register(searchRoutes, { search, maxQueryChars: config.searchMaxQueryChars, maxLimit: config.searchMaxLimit });
  const writer = new PadWriter(docs, { timeoutMs: config.etherpadWriteTimeoutMs, maxMessageBytes: config.maxMessageBytes });
  const etherpad = new EtherpadApi({ meta, docs, state: stateDocs, exports, history, writer, defaultEvent: config.etherpadDefaultEvent, readOnlySecret: config.etherpadApiKey });
  await fastify.register(etherpadRoutes, { etherpad, exports, access, meta, apiKey: config.etherpadApiKey });
  await fastify.register(openApiRoutes);
  await registerCollab(fastify, config, services, access);
  await fastify.register(clientRoutes, { distDir: path.join(PROJECT_ROOT, 'client', 'dist') });
  return { ...services, fastify, access, admin, seeded, metrics, routes, search };
}
