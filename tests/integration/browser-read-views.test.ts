/**
 * The rendered read view (/s/:id/read) and the projector (/s/:id/present) in Chromium (issue #15
 * item 3): notes rendered as HTML with raw HTML inert, live updates from a stock y-websocket
 * participant, no layout jump when text arrives above the reader's place, a revoked viewer link
 * announced within 5 s, and the projector following "now discussing" within 1 s.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { carriesEdit } from '../../shared/wire.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { screenshot, useBrowser } from '../helpers/browser.ts';
import { addItem, api } from '../helpers/session-api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TIMEOUT_MS = 120_000;

let s: TestServer;
const browser = useBrowser();

afterEach(async () => {
  destroyAllClients();
  await browser.closeContexts();
  await s?.close();
});

const topicSel = (id: string): string => `section.read-topic[data-topic-id="${id}"]`;

/** A participant: the stock WebsocketProvider (the event is open, so no link is needed). */
async function participant(): Promise<TestClient> {
  const client = connectClient(s.collabUrl, SESSION, { name: 'Pat' });
  await client.synced();
  return client;
}

/** Fails the test if the page ever sends a frame that carries an edit. */
function watchFramesSent(page: Page): { edits: number } {
  const seen = { edits: 0 };
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string' && carriesEdit(new Uint8Array(payload))) seen.edits += 1;
    });
  });
  return seen;
}

const topOf = (page: Page, selector: string): Promise<number> => page.locator(selector).first().evaluate((element) => element.getBoundingClientRect().top);

describe('read view and projector', () => {
  it(
    'a viewer link renders the notes as HTML live, keeps raw HTML inert, shows action items, and says within 5 s that the link was revoked',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      const topic = topics[0]!.id;
      const pat = await participant();
      pat.notes(topic).insert(0, '**decision** taken\n\n<img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script> [js](javascript:window.__pwned=3)\n\n![pixel](https://tracker.invalid/p.gif)');
      const itemId = await addItem(s, SESSION, topic, 'Post the patches');
      expect((await api(s, 'PATCH', `/api/sessions/${SESSION}/action-items/${itemId}`, { assignee: { name: 'Carol' }, due: '2026-12-01', status: 'in-progress', by: 'admin' })).status).toBe(200);
      const created = await api<{ id: string; link: string }>(s, 'POST', `/api/sessions/${SESSION}/tokens`, { role: 'viewer', label: 'room screen' });
      expect(created.status).toBe(201);

      const viewer = await browser.page(null);
      const frames = watchFramesSent(viewer);
      const dialogs: string[] = [];
      viewer.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await viewer.goto(`${s.url}${created.json.link}`);
      const notes = viewer.locator(`${topicSel(topic)} [data-testid="notes-html"]`);
      await notes.locator('strong', { hasText: 'decision' }).waitFor();
      expect(await notes.innerText()).not.toContain('**');
      // Raw HTML is text: no element, no handler, no script ran; links and images are inert too.
      expect(await notes.innerText()).toContain('<img src=x onerror=');
      expect(await viewer.locator('#app img, #app script, #app iframe, #app [onerror], #app a[href^="javascript:" i]').count()).toBe(0);
      expect(await notes.locator('a[href="https://tracker.invalid/p.gif"]').innerText()).toBe('[image: pixel]');
      expect(await viewer.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      // Action items with the lead's fields from the state doc.
      const row = viewer.locator(`${topicSel(topic)} li.read-action[data-item-id="${itemId}"]`);
      await row.filter({ hasText: 'assigned to Carol' }).waitFor();
      expect(await row.textContent()).toMatch(/Post the patches.*in progress.*due /);
      // Headings and nothing to edit.
      expect(await viewer.locator(`${topicSel(topic)} h2`).first().innerText()).toBe(topics[0]!.title);
      // (#app: the page itself; the search bar above every page is not an editing control.)
      expect(await viewer.locator('#app').locator('[contenteditable="true"], form, input, textarea, select, button').count()).toBe(0);

      // Live: the participant types; the view re-renders that topic.
      pat.notes(topic).insert(pat.notes(topic).length, '\n\nand *emphasis* live');
      await notes.locator('em', { hasText: 'emphasis' }).waitFor();
      await screenshot(viewer, 'read-view');

      // The lead revokes the link: the page says so (role="alert") within 5 s.
      expect((await api(s, 'DELETE', `/api/sessions/${SESSION}/tokens/${created.json.id}`)).status).toBe(200);
      const revokedAt = Date.now();
      await viewer.locator('[role="alert"][data-reason="forbidden"]').waitFor({ timeout: 5000 });
      expect(Date.now() - revokedAt).toBeLessThan(5000);
      expect(frames.edits).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    'keeps the reader’s place when text arrives above it (another topic, or the same topic), and never sends an edit',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      const [first, second, third] = [topics[0]!.id, topics[1]!.id, topics[2]!.id];
      const pat = await participant();
      const paragraphs = (label: string, n: number): string => Array.from({ length: n }, (_, i) => `${label} paragraph ${i + 1}: some words to fill a line of notes.`).join('\n\n');
      pat.notes(first).insert(0, paragraphs('first', 30));
      pat.notes(second).insert(0, paragraphs('second', 30));
      pat.notes(third).insert(0, 'third topic notes');

      const reader = await browser.page(null);
      const frames = watchFramesSent(reader);
      await reader.goto(`${s.url}/s/${SESSION}/read`);
      await reader.locator(`${topicSel(third)} p`, { hasText: 'third topic notes' }).waitFor();

      // Another topic grows above the reader's place: the third topic's heading does not move.
      const heading = `${topicSel(third)} h2`;
      await reader.locator(heading).evaluate((element) => {
        element.scrollIntoView();
        window.scrollBy(0, -120);
      });
      const before = await topOf(reader, heading);
      pat.notes(first).insert(0, `${paragraphs('inserted', 12)}\n\n`);
      await reader.locator(`${topicSel(first)} p`, { hasText: 'inserted paragraph 12:' }).waitFor();
      await reader.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      expect(Math.abs((await topOf(reader, heading)) - before)).toBeLessThan(1);

      // The same topic grows above a paragraph the reader is looking at: that paragraph stays put.
      const paragraph = `${topicSel(second)} p:has-text("second paragraph 20:")`;
      await reader.locator(paragraph).evaluate((element) => {
        element.scrollIntoView();
        window.scrollBy(0, -10);
      });
      const beforeSame = await topOf(reader, paragraph);
      pat.notes(second).insert(0, `${paragraphs('above', 8)}\n\n`);
      await reader.locator(`${topicSel(second)} p`, { hasText: 'above paragraph 8:' }).waitFor();
      await reader.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      expect(Math.abs((await topOf(reader, paragraph)) - beforeSame)).toBeLessThan(1);
      expect(frames.edits).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    'the projector follows "now discussing" within 1 s, pins ?topic=, steps with the arrows, switches theme, and shows a token-free QR join link',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      const pat = await participant();
      pat.notes(topics[3]!.id).insert(0, '**decision**: ship it');

      const screen = await browser.page(null);
      await screen.goto(`${s.url}/s/${SESSION}/present?theme=dark`);
      const host = screen.locator('[data-testid="present-topic"]');
      await waitFor(() => host.getAttribute('data-shown-topic'), 'the projector to show a topic').then((id) => expect(id).toBe(topics[0]!.id));
      expect(await screen.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
      const qr = screen.locator('figure.qr-code');
      expect(await qr.getAttribute('data-qr-text')).toBe(`${s.url}/s/${SESSION}`);
      expect(await qr.getAttribute('aria-label')).toContain(`${s.url}/s/${SESSION}`);
      expect(await qr.locator('svg').count()).toBe(1);

      const pinned = await browser.page(null);
      await pinned.goto(`${s.url}/s/${SESSION}/present?topic=${topics[5]!.id}`);
      const pinnedHost = pinned.locator('[data-testid="present-topic"]');
      await waitFor(async () => (await pinnedHost.getAttribute('data-shown-topic')) === topics[5]!.id, 'the pinned topic');

      // The lead moves "now discussing": the projector follows within 1 s.
      const started = Date.now();
      expect((await api(s, 'PUT', `/api/sessions/${SESSION}/discussion`, { topicId: topics[3]!.id })).status).toBe(200);
      await waitFor(async () => (await host.getAttribute('data-shown-topic')) === topics[3]!.id, 'the projector to follow', 1000, 10);
      expect(Date.now() - started).toBeLessThan(1000);
      await host.locator('strong', { hasText: 'decision' }).waitFor();
      expect(await host.locator('h1').innerText()).toBe(topics[3]!.title);
      // The pinned projector heard the change and stays on its topic.
      await waitFor(async () => (await pinnedHost.getAttribute('data-discussing')) === topics[3]!.id, 'the pinned projector to hear the change');
      expect(await pinnedHost.getAttribute('data-shown-topic')).toBe(topics[5]!.id);

      // Live notes on the projector.
      pat.notes(topics[3]!.id).insert(pat.notes(topics[3]!.id).length, '\n\n- live *point*');
      await host.locator('li em', { hasText: 'point' }).waitFor();
      await screenshot(screen, 'present-view');

      // Arrows step through topics; F follows again.
      await screen.keyboard.press('ArrowRight');
      await waitFor(async () => (await host.getAttribute('data-shown-topic')) === topics[4]!.id, 'the next topic');
      await screen.keyboard.press('ArrowLeft');
      await screen.keyboard.press('ArrowLeft');
      await waitFor(async () => (await host.getAttribute('data-shown-topic')) === topics[2]!.id, 'the previous topic');
      await screen.keyboard.press('f');
      await waitFor(async () => (await host.getAttribute('data-shown-topic')) === topics[3]!.id, 'following again');

      // The theme toggles (button), and nothing on the projector edits.
      await screen.locator('[data-testid="present-theme"]').click();
      expect(await screen.evaluate(() => document.documentElement.dataset['theme'])).toBe('light');
      expect(await screen.locator('[contenteditable="true"], form, input, textarea, select').count()).toBe(0);
    },
    TIMEOUT_MS,
  );
  it(
    'odd addresses are handled: unknown session, a path trick, a refused link, unknown ?topic and ?theme values',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      const p = await browser.page(null);
      for (const view of ['read', 'present']) {
        await p.goto(`${s.url}/s/no-such-session/${view}`);
        await p.locator('[role="alert"][data-reason="not-found"]').waitFor();
        await p.goto(`${s.url}/s/${encodeURIComponent('../etc')}/${view}`);
        expect(await p.locator('h1').innerText()).toBe('Page not found');
        await p.goto(`${s.url}/s/${SESSION}/${view}?token=mcp_not-a-real-token`);
        await p.locator('[role="alert"][data-reason="forbidden"]').waitFor();
        // The token is stripped from the address bar (kept on the device, as links are: forget it for the next view).
        expect(new URL(p.url()).search).toBe('');
        await p.evaluate((id) => localStorage.removeItem(`mcpad:token:${id}`), SESSION);
      }
      await p.goto(`${s.url}/s/${SESSION}/present?topic=${encodeURIComponent('<img src=x onerror=alert(1)>')}&theme=${encodeURIComponent('"><script>')}`);
      const host = p.locator('[data-testid="present-topic"]');
      await waitFor(async () => (await host.getAttribute('data-shown-topic')) === topics[0]!.id, 'the first topic');
      expect(['dark', 'light']).toContain(await p.evaluate(() => document.documentElement.dataset['theme']));
      expect(await p.locator('#app img, #app script').count()).toBe(0);
    },
    TIMEOUT_MS,
  );
});
