/** Starts the real app on an ephemeral port with a temp data dir; always `close()` it. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App, type AppDeps } from '../../server/app.ts';
import { makeConfig, type Config } from '../../server/config.ts';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestServer {
  app: App;
  config: Readonly<Config>;
  dataDir: string;
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/collab — the WebsocketProvider's serverUrl. */
  collabUrl: string;
  /** Stops the server (graceful: docs are stored). Keeps the data dir. */
  stop(): Promise<void>;
  /** Stops the server and removes the data dir. */
  close(): Promise<void>;
}

export async function makeTempDir(prefix = 'mcpad-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Starts a server; pass `dataDir` to reuse one (a restart), `port` to take a given port, `deps`
 *  to put e.g. a fault-injecting store at the storage boundary. */
export async function startServer(overrides: Partial<Config> = {}, deps: AppDeps = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? (await makeTempDir());
  const config = makeConfig({
    port: 0,
    host: '127.0.0.1',
    adminToken: TEST_ADMIN_TOKEN,
    logLevel: 'silent',
    docIdleUnloadMs: 200,
    ...overrides,
    dataDir,
  });
  const app = await buildApp(config, deps);
  await app.fastify.listen({ port: config.port, host: config.host });
  const port = (app.fastify.server.address() as { port: number }).port;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.fastify.close();
  };
  return {
    app,
    config,
    dataDir,
    port,
    url: `http://127.0.0.1:${port}`,
    collabUrl: `ws://127.0.0.1:${port}/collab`,
    stop,
    async close() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The servers one test file starts: `start` as startServer, `closeAll` in afterEach. Every server
 *  stops before any removes its data dir (restart tests share one). */
export function serverPool(): { start(overrides?: Partial<Config>, deps?: AppDeps): Promise<TestServer>; closeAll(): Promise<void> } {
  let servers: TestServer[] = [];
  return {
    async start(overrides = {}, deps = {}) {
      const started = await startServer(overrides, deps);
      servers.push(started);
      return started;
    },
    async closeAll() {
      const closing = servers;
      servers = [];
      for (const s of closing) await s.stop();
      for (const s of closing) await s.close();
    },
  };
}
