/**
 * The session page never crashes on a malformed notes doc (issue #13): it skips the sections and
 * action entries that do not fit the schema and keeps the rest live. The crafted update is applied
 * to the loaded doc through the doc service (past the write guard that refuses it on the socket),
 * as data stored before the guard would reach a page.
 */
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { findSection, topicSections } from '../../shared/doc-schema.ts';
import { typeInTopic, useBrowser, waitForNotes, waitForState } from '../helpers/browser.ts';
import { destroyAllClients } from '../helpers/clients.ts';
import { serverPool } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const browser = useBrowser();
const servers = serverPool();
afterEach(async () => {
  await browser.closeContexts();
  destroyAllClients();
  await servers.closeAll();
});

describe('session page on a malformed doc', () => {
  it(
    'skips malformed sections and action entries, throws nothing, and keeps the other topics editable',
    async () => {
      const s = await servers.start({ docIdleUnloadMs: 60_000 });
      const topics = s.app.meta.getSession(SESSION).topics;
      const page = await browser.page('Ada');
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${s.url}/s/${SESSION}`);
      await waitForState(page, 'saved');
      await page.locator('section.topic').nth(topics.length - 1).waitFor();

      await s.app.docs.withDoc(SESSION, (live) => {
        const crafted = new Y.Doc();
        Y.applyUpdate(crafted, Y.encodeStateAsUpdate(live.doc));
        crafted.transact(() => {
          crafted.getArray('topics').push(['x']);
          crafted.getArray('topics').push([new Y.Map()]);
          findSection(crafted, topics[1]!.id)!.set('notes', 'notes as a string');
          (findSection(crafted, topics[0]!.id)!.get('actions') as Y.Array<unknown>).push(['junk', 7]);
        });
        Y.applyUpdate(live.doc, Y.encodeStateAsUpdate(crafted, Y.encodeStateVector(live.doc)));
        expect(topicSections(live.doc).length).toBe(topics.length + 2);
      });

      // Topic 2 (its notes are no text) is skipped; the others stay, in order.
      await waitFor(async () => (await page.locator('section.topic').count()) === topics.length - 1, 'the malformed section to be skipped');
      expect(await page.locator('section.topic').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-topic-id')))).toEqual(
        topics.filter((_, i) => i !== 1).map((t) => t.id),
      );
      expect(await page.locator(`section[data-topic-id="${topics[0]!.id}"] li.action`).count()).toBe(0);
      await typeInTopic(page, topics[0]!.id, 'still typing');
      await waitForNotes(page, topics[0]!.id, (text) => text.includes('still typing'), 'the typed text');
      await waitFor(
        () => s.app.docs.withDoc(SESSION, (live) => String((findSection(live.doc, topics[0]!.id)!.get('notes') as Y.Text).toString()).includes('still typing')),
        'the server to receive the text',
      );
      expect(errors).toEqual([]);
    },
    120_000,
  );
});
