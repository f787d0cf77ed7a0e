/**
 * `npm start`: reads the environment, builds the app, listens, and shuts down gracefully on
 * SIGTERM/SIGINT (stop accepting, store every doc, close sockets with 1001, exit 0 within 10 s).
 */
import { buildApp } from './app.ts';
import { ConfigError, configFromEnv } from './config.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await buildApp(config);
  const { fastify } = app;
  const address = await fastify.listen({ port: config.port, host: config.host });
  const port = (fastify.server.address() as { port: number }).port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
  for (const { sessionId, leadToken } of app.seeded) {
    console.log(`Seeded session ${sessionId}. Lead link (shown once; the admin can create more): ${url}/s/${sessionId}?token=${leadToken}`);
  }
  if (config.trustProxyHops > 0 && config.trustedProxies.length === 0) {
    console.warn('TRUST_PROXY_HOPS is set without TRUSTED_PROXIES: X-Forwarded-For is believed from loopback proxies only. If the proxy runs on another host, set TRUSTED_PROXIES to its address.');
  }
  if (app.admin.fixedMode !== null) {
    console.warn(`${app.admin.file} was readable by other users (mode ${app.admin.fixedMode.toString(8).padStart(4, '0')}); fixed to 0600. Anyone who read it holds the admin token: consider deleting the file to have a new one generated.`);
  }
  if (app.admin.file) {
    console.log(`Admin token ${app.admin.created ? 'generated and ' : ''}kept in ${app.admin.file} (set ADMIN_TOKEN to choose one).`);
  }
  console.log(`mcpad listening on ${address} — open ${url}/ (data in ${config.dataDir})`);
  console.log(`MCPAD_READY port=${port}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: storing every doc and closing connections...`);
    const timer = setTimeout(() => {
      console.error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting. Update logs are on disk.`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    fastify.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('mcpad failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
