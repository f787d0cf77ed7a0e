/**
 * Run by hand: `node --import tsx scripts/screenshot-views.ts` (needs /usr/bin/chromium, or
 * CHROMIUM_PATH). Builds the browser client, starts the server on a temp data dir with the seed,
 * writes a few notes and action items as a participant would (stock y-websocket provider), and
 * saves docs/screenshots/read-view.png and docs/screenshots/present-view.png. Tests never write
 * into docs/; this script is the only thing that does.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { buildApp } from '../server/app.ts';
import { makeConfig, PROJECT_ROOT } from '../server/config.ts';
import { findSection, sectionNotes } from '../shared/doc-schema.ts';

const SESSION = 'containers-cr';
const ADMIN = 'screenshot-admin-token-0123456789';
const OUT = path.join(PROJECT_ROOT, 'docs', 'screenshots');

const NOTES = `Christian: the cgroup v2 freezer makes checkpoints **much** simpler.

- CRIU needs \`cgroup.freeze\` on every level
- pidfd-based restore is merged upstream

**Decision**: drop the v1 freezer path after the next release.

<img src=x onerror=alert(1)> stays text, as typed.`;

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  await build({ configFile: path.join(PROJECT_ROOT, 'client', 'vite.config.ts'), logLevel: 'warn' });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mcpad-screens-'));
  const app = await buildApp(makeConfig({ port: 0, host: '127.0.0.1', adminToken: ADMIN, logLevel: 'silent', dataDir }));
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.fastify.server.address() as { port: number }).port}`;
  const call = (method: string, route: string, body?: unknown) =>
    fetch(`${url}${route}`, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ id?: string }>);

  const topics = app.meta.getSession(SESSION).topics;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/collab`, SESSION, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
  await waitUntil(() => provider.synced, 'the participant to sync');
  sectionNotes(findSection(doc, topics[0]!.id)!)!.insert(0, NOTES);
  sectionNotes(findSection(doc, topics[1]!.id)!)!.insert(0, 'Follow-up from Lisbon: the **time namespace** is in.');
  const item = await call('POST', `/api/sessions/${SESSION}/action-items`, { topicId: topics[0]!.id, text: 'Post the freezer removal RFC', createdBy: 'Christian' });
  await call('PATCH', `/api/sessions/${SESSION}/action-items/${item.id}`, { assignee: { name: 'Christian' }, due: '2019-10-01', status: 'in-progress', by: 'admin' });
  await call('POST', `/api/sessions/${SESSION}/action-items`, { topicId: topics[0]!.id, text: 'Check the restore of pidfds in CRIU', createdBy: 'Adrian' });
  await call('PUT', `/api/sessions/${SESSION}/discussion`, { topicId: topics[0]!.id });

  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  await mkdir(OUT, { recursive: true });
  try {
    const reader = await browser.newPage({ viewport: { width: 1100, height: 820 } });
    await reader.goto(`${url}/s/${SESSION}/read`);
    await reader.locator('li.read-action', { hasText: 'assigned to Christian' }).waitFor();
    await reader.screenshot({ path: path.join(OUT, 'read-view.png') });
    const screen = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await screen.goto(`${url}/s/${SESSION}/present?theme=dark`);
    await screen.locator('[data-testid="present-topic"] strong', { hasText: 'Decision' }).waitFor();
    await screen.screenshot({ path: path.join(OUT, 'present-view.png') });
    console.log(`wrote ${path.join(OUT, 'read-view.png')} and present-view.png`);
  } finally {
    await browser.close();
    provider.destroy();
    await app.fastify.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
