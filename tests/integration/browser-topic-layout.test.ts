/**
 * Issue #15: the organiser renames and reorders topics while two people have the session open;
 * both pages show the change live, the notes editors are kept (not recreated), no notes are lost
 * and the person typing keeps focus and caret.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { typeInTopic, useBrowser, waitForNotes, waitForState } from '../helpers/browser.ts';
import { api } from '../helpers/session-api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TIMEOUT_MS = 120_000;
const browser = useBrowser();
let servers: TestServer[] = [];

afterEach(async () => {
  await browser.closeContexts();
  for (const s of servers) await s.close();
  servers = [];
});

describe('live topic layout in the browser', () => {
  it(
    'a rename and a reorder reach both pages live; editors, notes, focus and caret survive',
    async () => {
      const s = await startServer();
      servers.push(s);
      const topics = s.app.meta.getSession(SESSION).topics;
      const [first, second] = [topics[0]!, topics[1]!];
      const alice = await (await browser.context('Alice')).newPage();
      const bob = await (await browser.context('Bob')).newPage();
      await Promise.all([alice.goto(`${s.url}/s/${SESSION}`), bob.goto(`${s.url}/s/${SESSION}`)]);
      await Promise.all([waitForState(alice, 'saved'), waitForState(bob, 'saved')]);

      await typeInTopic(bob, first.id, 'Bob wrote this first');
      await typeInTopic(alice, second.id, 'Alice is typing');
      await waitForNotes(bob, second.id, (t) => t === 'Alice is typing', 'Alice\'s text at Bob');
      // Mark both editors' elements: a recreated editor would not carry the mark.
      for (const page of [alice, bob]) {
        await page.$$eval('section.topic .cm-editor', (editors) => editors.forEach((editor) => ((editor as HTMLElement).dataset['mark'] = 'kept')));
      }

      const renamed = await api(s, 'PATCH', `/api/sessions/${SESSION}/topics/${second.id}`, { title: 'Renamed while typing' });
      expect(renamed.status).toBe(200);
      const order = [second.id, first.id, ...topics.slice(2).map((t) => t.id)];
      expect((await api(s, 'PUT', `/api/sessions/${SESSION}/topic-order`, { topicIds: order })).status).toBe(200);

      const headings = [`1. Renamed while typing`, `2. ${first.title}`];
      for (const page of [alice, bob]) {
        await waitFor(async () => (await page.locator('section.topic h2').allTextContents()).slice(0, 2).join('|') === headings.join('|'), 'the new order and title on the page', 10_000, 50);
        expect(await page.$$eval('section.topic', (sections) => sections.map((x) => (x as HTMLElement).dataset['topicId']))).toEqual(order);
        expect(await page.$$eval('section.topic .cm-editor', (editors) => editors.every((editor) => (editor as HTMLElement).dataset['mark'] === 'kept'))).toBe(true);
        expect(await page.getAttribute(`section[data-topic-id="${second.id}"] .cm-content`, 'aria-label')).toBe('Notes: Renamed while typing');
      }
      // Alice never clicked again: her focus and caret are where she left them.
      expect(await alice.evaluate(() => (document.activeElement?.closest('section.topic') as HTMLElement | null)?.dataset['topicId'])).toBe(second.id);
      await alice.keyboard.type(' and goes on', { delay: 5 });
      await waitForNotes(bob, second.id, (t) => t === 'Alice is typing and goes on', 'Alice\'s continued text at Bob');
      await waitForNotes(alice, first.id, (t) => t === 'Bob wrote this first', 'Bob\'s notes kept at Alice');
      // The jump-to-topic list follows too.
      expect(await alice.locator('.jump-list a').first().textContent()).toBe('Renamed while typing');
    },
    TIMEOUT_MS,
  );

  it(
    'an archived session opens read-only, even with a lead link',
    async () => {
      const s = await startServer();
      servers.push(s);
      const lead = await api(s, 'POST', `/api/sessions/${SESSION}/tokens`, { role: 'lead' });
      expect((await api(s, 'PUT', `/api/sessions/${SESSION}/archived`, { archived: true })).status).toBe(200);
      const page = await (await browser.context('Lin')).newPage();
      await page.goto(`${s.url}${lead.json.link}`);
      await page.locator('section.topic .cm-content').first().waitFor();
      expect(await page.title()).toContain('(read-only)');
      expect(await page.$$eval('section.topic .cm-content', (all) => all.every((c) => c.getAttribute('contenteditable') === 'false'))).toBe(true);
    },
    TIMEOUT_MS,
  );
});
