/**
 * `npm run docs:screenshots`: starts the server with the seed on a free port and a temp data dir,
 * drives Debian's Chromium and saves PNGs of the organiser console (`/admin`), its import preview
 * and the lead's Share dialog with a QR code into docs/screenshots/. Builds the client first.
 * The import preview needs the server's dry run (`?dryRun=true`); without it the PNG shows the
 * server's answer and the script says so.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { buildApp } from '../server/app.ts';
import { makeConfig, PROJECT_ROOT } from '../server/config.ts';

const OUT_DIR = path.join(PROJECT_ROOT, 'docs', 'screenshots');
const ADMIN_TOKEN = 'screenshots-admin-token-0123456789';
const SESSION = 'containers-cr';

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`saved ${path.relative(PROJECT_ROOT, file)}`);
}

async function main(): Promise<void> {
  await build({ configFile: path.join(PROJECT_ROOT, 'client', 'vite.config.ts'), logLevel: 'warn' });
  await mkdir(OUT_DIR, { recursive: true });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mcpad-screenshots-'));
  const app = await buildApp(makeConfig({ port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, logLevel: 'silent', dataDir }));
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.fastify.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await desk.goto(`${url}/admin`);
    await desk.fill('[data-testid="admin-token"]', ADMIN_TOKEN);
    await desk.press('[data-testid="admin-token"]', 'Enter');
    await desk.locator(`li[data-session-id="${SESSION}"]`).waitFor();
    await desk.locator(`li[data-session-id="${SESSION}"] [data-testid="manage-session"] summary`).click();
    await desk.locator(`li[data-session-id="${SESSION}"] [data-testid="link-list"] li`).first().waitFor();
    await shoot(desk, 'admin');

    await desk.fill('[data-testid="import-event"]', 'lpc2019');
    await desk.fill('[data-testid="import-session"]', SESSION);
    await desk.fill('[data-testid="import-text"]', await readFile(path.join(PROJECT_ROOT, 'data', 'seed', 'containers-cr.txt'), 'utf8'));
    await desk.click('[data-testid="preview-import"]');
    await desk.waitForFunction(() => /^(Preview|Cannot)/.test(document.querySelector('[data-testid="import-status"]')?.textContent ?? ''), undefined, { timeout: 10_000 }).catch(async () => console.warn('status:', await desk.textContent('[data-testid="import-status"]')));
    if (!(await desk.locator('.preview-session').count())) console.warn('the server has no import preview (dryRun) yet: import-preview.png shows its answer');
    // The preview itself (status, sessions, topics with new/existing), not the pasted text above it.
    await desk.locator('[data-testid="import-status"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shoot(desk, 'import-preview');

    const created = (await (await fetch(`${url}/api/sessions/${SESSION}/tokens`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'lead', label: 'screenshots' }) })).json()) as { link: string };
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    await phone.addInitScript(() => localStorage.setItem('mcpad:name', 'Lena'));
    await phone.goto(`${url}${created.link}`);
    await phone.click('[data-testid="share"]');
    await phone.locator('[data-testid="share-dialog"] [data-testid="link-role"]').selectOption('viewer');
    await phone.fill('[data-testid="share-dialog"] [data-testid="link-label"]', 'room screen');
    await phone.click('[data-testid="share-dialog"] [data-testid="create-link"]');
    await phone.click('[data-testid="link-dialog"] [data-testid="show-qr"]');
    await phone.locator('[data-testid="link-dialog"] [data-testid="qr-code"]').waitFor();
    await shoot(phone, 'share-dialog');
  } finally {
    await browser.close();
    await app.fastify.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
