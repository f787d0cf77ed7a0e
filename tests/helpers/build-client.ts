/** vitest globalSetup: builds the browser client once, so the server under test serves the current code. */
import path from 'node:path';
import { build } from 'vite';
import { PROJECT_ROOT } from '../../server/config.ts';

export default async function buildClient(): Promise<void> {
  await build({ configFile: path.join(PROJECT_ROOT, 'client', 'vite.config.ts'), logLevel: 'warn' });
}
