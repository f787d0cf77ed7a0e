/**
 * Four vitest projects, so a quick run pays only for what it tests (`npm run test:<project>`):
 * - unit: tests/unit, pure and service tests (in-memory or temp-dir stores); seconds, no client build.
 * - integration: the real server on port 0 with real clients (everything else in tests/integration).
 * - browser: files that drive Chromium (import playwright-core or tests/helpers/browser.ts) or serve
 *   the built client; the only project that builds client/dist first.
 * - cluster: files that start a real redis-server (import tests/helpers/redis-server.ts).
 * A file's project follows from its imports, so a new test lands in the right one by itself.
 * `npm test` runs all four.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const INTEGRATION_DIR = 'tests/integration';

/** Serve client/dist without driving a browser: they need the build but not Chromium. */
const NEEDS_BUILT_CLIENT = new Set(['client-routes.test.ts']);

type IntegrationProject = 'integration' | 'browser' | 'cluster';

function projectOf(file: string): IntegrationProject {
  const source = fs.readFileSync(path.join(ROOT, INTEGRATION_DIR, file), 'utf8');
  if (NEEDS_BUILT_CLIENT.has(file) || /from '(playwright-core|\.\.\/helpers\/browser\.ts)'/.test(source)) return 'browser';
  if (source.includes("from '../helpers/redis-server.ts'")) return 'cluster';
  return 'integration';
}

const integrationFiles = fs.readdirSync(path.join(ROOT, INTEGRATION_DIR)).filter((file) => file.endsWith('.test.ts'));
const filesOf = (project: IntegrationProject): string[] =>
  integrationFiles.filter((file) => projectOf(file) === project).map((file) => `${INTEGRATION_DIR}/${file}`);

const shared = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    // Integration tests start real servers, browsers and child processes; the machine has 2 cores.
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { test: { ...shared, name: 'integration', include: filesOf('integration') } },
      {
        // Builds client/dist once, so browser tests run against the current client code.
        test: { ...shared, name: 'browser', include: filesOf('browser'), globalSetup: ['tests/helpers/build-client.ts'] },
      },
      { test: { ...shared, name: 'cluster', include: filesOf('cluster') } },
    ],
  },
});
