/**
 * The HTML export in a real browser (headless Debian chromium via playwright-core): XSS payloads in
 * session and topic titles, names, notes and action items must not run, and the file must not make
 * a single request. Screenshots and a PDF print go to test-artifacts/ (git-ignored).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { restoreNotes } from '../../server/sessions/restore-content.ts';
import { FIXED_NOW, writeFixture } from '../helpers/export-fixture.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const REMOTE = 'http://127.0.0.1:9';

const evilSession = {
  id: 'evil-mc',
  title: '<script>window.__pwned = "session title"</script>Evil MC',
  description: '<img src=x onerror="window.__pwned = \'description\'">',
  leads: [{ name: '"><script>window.__pwned = "lead"</script>', email: 'lead@example.org' }],
  schedule: { start: '2019-09-11T10:00:00+01:00', end: '2019-09-11T13:30:00+01:00', room: '<iframe src="http://127.0.0.1:9/room"></iframe>' },
  topics: [
    { id: 'xss-topic', title: '<img src=x onerror="window.__pwned = \'topic\'">Payload topic', speakers: ['<svg onload="window.__pwned = \'speaker\'">'] },
    { id: 'second', title: 'javascript:window.__pwned="bare"' },
  ],
};

const evilNotes = [
  '# Heading <script>window.__pwned = "heading"</script>',
  '',
  '<script>window.__pwned = "notes script"</script>',
  '',
  `<img src="${REMOTE}/pixel.png" onerror="window.__pwned = 'notes img'">`,
  '',
  `![remote image](${REMOTE}/remote.png) and ![data](data:image/png;base64,iVBORw0KGgo=)`,
  '',
  '[click me](javascript:window.__pwned="link") [vb](vbscript:msgbox) [data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)',
  '',
  '<javascript:window.__pwned="autolink">',
  '',
  `<iframe src="${REMOTE}/frame"></iframe>`,
  '',
  `<style>body { background: url(${REMOTE}/bg.png) }</style>`,
  '',
  `<a href="javascript:window.__pwned='raw a'">raw anchor</a> <object data="${REMOTE}/x.swf"></object>`,
  '',
  `A real link stays clickable: [kernel.org](https://kernel.org) and ${REMOTE}/linkified`,
  '',
  '```html',
  '<script>window.__pwned = "code block"</script>',
  '```',
].join('\n');

let s: TestServer;
let browser: Browser;
beforeAll(async () => {
  s = await startServer();
  await writeFixture(s.app);
  const imported = await fetch(`${s.url}/api/events/lpc2019/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.app.admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(evilSession),
  });
  expect(imported.status).toBe(201);
  await restoreNotes(s.app.docs, 'evil-mc', [
    {
      id: 'xss-topic',
      title: evilSession.topics[0]!.title,
      notes: evilNotes,
      actions: [
        {
          id: 'evil-1',
          text: '<script>window.__pwned = "action"</script>',
          done: false,
          createdBy: `<img src="${REMOTE}/creator.png">`,
          createdAt: '2019-09-11T10:00:00Z',
          assignee: { name: `<iframe src="${REMOTE}/assignee"></iframe>`, email: 'x@example.org' },
          due: '<b onmouseover="window.__pwned=1">soon</b>',
          status: '"><script>window.__pwned = "status"</script>',
        },
      ],
    },
  ]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('HTML export in headless Chromium', () => {
  it('runs no script, loads nothing remote and logs no error', async () => {
    const html = (await s.app.exports.exportEvent('lpc2019', 'html', { now: FIXED_NOW })).body;
    const file = path.join(ARTIFACTS, 'export-event.html');
    await writeFile(file, html);

    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForTimeout(300);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('script, iframe, img, object, embed, svg, style:not(head style)').count()).toBe(0);
    const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^(https?:|mailto:)/);
    const handlers = await page.evaluate(() =>
      [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((name) => name.startsWith('on')),
    );
    expect(handlers).toEqual([]);

    // The payloads are shown as text, and the real content is there.
    const text = await page.locator('main').innerText();
    expect(text).toContain('<script>window.__pwned = "session title"</script>Evil MC');
    expect(text).toContain('Write up binderfs usage for container runtimes');
    expect(await page.locator('a[href="https://kernel.org"]').count()).toBe(1);
    expect(await page.locator('#session-containers-cr .notes h4').first().innerText()).toBe('Where we are');
    // Images in notes become links to click, not requests.
    expect(await page.locator(`a[href="${REMOTE}/remote.png"]`).innerText()).toBe('[image: remote image]');

    await page.screenshot({ path: path.join(ARTIFACTS, 'export-event.png'), fullPage: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'export-event-top.png'), clip: { x: 0, y: 0, width: 1000, height: 1300 } });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: path.join(ARTIFACTS, 'export-event.pdf'), format: 'A4' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'export-event-print.png') });
    const breaks = await page.locator('.session').evaluateAll((sessions) => sessions.map((el) => getComputedStyle(el).breakBefore));
    expect(breaks).toEqual(['auto', 'page']);
    await page.close();
    expect(requests).toEqual([]);
  });

  it('renders the golden session export for a look (screenshot artifact)', async () => {
    const html = (await s.app.exports.exportSession('containers-cr', 'html', { now: FIXED_NOW })).body;
    const file = path.join(ARTIFACTS, 'export-containers-cr.html');
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.screenshot({ path: path.join(ARTIFACTS, 'export-containers-cr.png'), fullPage: false });
    await page.locator('.followups').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'export-containers-cr-followups.png') });
    expect(requests).toEqual([]);
    await page.close();
  });
});
