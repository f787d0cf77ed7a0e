/**
 * Real-browser helpers: Debian's Chromium driven by playwright-core (never a downloaded browser),
 * note-taker pages on the session page, and screenshots kept in test-artifacts/ (git-ignored).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { waitFor } from './wait-for.ts';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'test-artifacts');
export const PHONE_VIEWPORT = { width: 390, height: 844 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * One Chromium for the test file and a fresh context per note-taker, closed after each test.
 * Call at the top level of a test file; a file that stops servers in its own afterEach calls
 * `closeContexts()` first (a server's graceful close waits for the pages' open connections).
 */
export function useBrowser(): {
  context(name: string | null, options?: { phone?: boolean }): Promise<BrowserContext>;
  page(name: string | null, options?: { phone?: boolean }): Promise<Page>;
  closeContexts(): Promise<void>;
} {
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  const closeContexts = async (): Promise<void> => {
    const open = contexts;
    contexts = [];
    for (const context of open) await context.close();
  };
  afterEach(closeContexts);
  const context = async (name: string | null, options: { phone?: boolean } = {}): Promise<BrowserContext> => {
    if (!browser) throw new Error('useBrowser(): the browser is not launched yet (call it at the top level of the file)');
    const created = await noteTakerContext(browser, name, options);
    contexts.push(created);
    return created;
  };
  return { context, page: async (name, options) => (await context(name, options)).newPage(), closeContexts };
}

/** A browser context whose note-taker already chose `name` (skips the name prompt). */
export async function noteTakerContext(browser: Browser, name: string | null, options: { phone?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.phone ? PHONE_VIEWPORT : { width: 1280, height: 900 },
    ...(options.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  if (name) await context.addInitScript((n) => localStorage.setItem('mcpad:name', n), name);
  return context;
}

const section = (topicId: string): string => `section[data-topic-id="${topicId}"]`;

/** Puts the caret at the end of a topic's notes and types `text` like a person would. */
export async function typeInTopic(page: Page, topicId: string, text: string): Promise<void> {
  await page.click(`${section(topicId)} .cm-content`);
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 5 });
}

/** The text of a topic's notes as the editor shows it, without remote caret labels or the empty-editor placeholder. */
export function notesText(page: Page, topicId: string): Promise<string> {
  return page.$eval(`${section(topicId)} .cm-content`, (content) => {
    const copy = content.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.cm-ySelectionCaret, .cm-widgetBuffer, .cm-placeholder').forEach((node) => node.remove());
    return Array.from(copy.querySelectorAll('.cm-line'), (line) => line.textContent ?? '').join('\n');
  });
}

/** Names on the remote carets shown in a topic's editor. */
export function remoteCaretNames(page: Page, topicId: string): Promise<string[]> {
  return page.$$eval(`${section(topicId)} .cm-ySelectionInfo`, (infos) => infos.map((info) => info.textContent ?? ''));
}

/** The connection state shown in the status bar (`data-state`). */
export function connectionState(page: Page): Promise<string | null> {
  return page.getAttribute('[data-testid="status"]', 'data-state', { timeout: 5000 });
}

export async function waitForState(page: Page, state: string, timeoutMs = 20_000): Promise<unknown> {
  let last: string | null = null;
  try {
    return await waitFor(async () => (last = await connectionState(page)) === state, `status ${state}`, timeoutMs, 100);
  } catch (error) {
    // Say what the page showed instead: a status never rendered is a different bug from a wrong one.
    const shown = await page.evaluate(() => document.body?.innerText.slice(0, 300) ?? '(no body)').catch((e: Error) => `(unreadable: ${e.message})`);
    throw new Error(`${(error as Error).message}; last status ${JSON.stringify(last)} at ${page.url()}; page showed: ${JSON.stringify(shown)}`);
  }
}

export async function waitForNotes(page: Page, topicId: string, check: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  let last = '';
  try {
    await waitFor(async () => check((last = await notesText(page, topicId))), what, timeoutMs, 100);
  } catch (error) {
    throw new Error(`${(error as Error).message}; notes were ${JSON.stringify(last)}`);
  }
  return last;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/**
 * Waits until the page's service worker is activated (it holds the offline app shell). On
 * timeout the error says what the registration looked like.
 */
export async function waitForServiceWorker(page: Page, timeoutMs = 30_000): Promise<void> {
  const describe = (): Promise<string> =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      if (!registration) return 'no registration';
      const state = (worker: ServiceWorker | null): string => worker?.state ?? '-';
      return `installing=${state(registration.installing)} waiting=${state(registration.waiting)} active=${state(registration.active)}`;
    });
  let last = '';
  try {
    await waitFor(async () => (last = await describe()).endsWith('active=activated'), 'the service worker to be activated', timeoutMs, 200);
  } catch (error) {
    throw new Error(`${(error as Error).message} (${last})`);
  }
}
