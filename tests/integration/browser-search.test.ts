/**
 * Search in the browser (issue #17): from the event page, `/` focuses the search box, "shiftfs"
 * lists results grouped by event and session, and opening the 2019 session's result lands on the
 * shiftfs topic with the match highlighted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { screenshot, useBrowser } from '../helpers/browser.ts';
import { api } from '../helpers/session-api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const TIMEOUT_MS = 120_000;
const SHIFTFS_TOPIC = 'agree-on-an-upstreamable-approach-to-shiftfs';
let s: TestServer;
const browser = useBrowser();

afterEach(async () => {
  await browser.closeContexts();
  await s?.close();
});

describe('search in the browser', () => {
  it(
    'searches "shiftfs" from the event page and opens the 2019 session at the shiftfs topic',
    async () => {
      s = await startServer();
      // A clearly synthetic follow-on event, so the results span two events.
      const imported = await api(s, 'POST', '/api/events/demo-2020/sessions', { id: 'demo-follow-on', title: 'Demo follow-on MC (synthetic)', topics: [{ title: 'shiftfs follow-up (synthetic)' }] });
      expect(imported.status).toBe(201);
      await s.app.search.ready;

      const page = await browser.page('Sam');
      await page.goto(`${s.url}/`);
      await page.locator('.event').first().waitFor();
      await page.locator('body').press('/');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search-q');
      await page.keyboard.type('shiftfs');
      await page.keyboard.press('Enter');
      await page.locator('.search-results .search-event').first().waitFor();
      expect(await page.locator('.search-status').textContent()).toMatch(/results for “shiftfs”/);
      const events = await page.locator('.search-event h2').allTextContents();
      expect(events).toEqual(expect.arrayContaining(['Linux Plumbers Conference 2019', 'demo-2020']));
      await screenshot(page, 'search-results');

      const link = page.locator(`.search-hits a[href*="/s/containers-cr?q=shiftfs#topic-${SHIFTFS_TOPIC}"]`);
      await link.click();
      await page.waitForURL((url) => url.pathname === '/s/containers-cr');
      expect(new URL(page.url()).hash).toBe(`#topic-${SHIFTFS_TOPIC}`);
      const section = page.locator(`#topic-${SHIFTFS_TOPIC}`);
      await page.waitForFunction((id) => document.getElementById(id)?.dataset['searchHit']?.toLowerCase() === 'shiftfs', `topic-${SHIFTFS_TOPIC}`);
      expect(await section.getAttribute('class')).toContain('search-target');
      // The address bar no longer carries the query.
      expect(new URL(page.url()).search).toBe('');
      await screenshot(page, 'search-hit-highlighted');
    },
    TIMEOUT_MS,
  );
});
