/**
 * Issue #17 in Chromium: decisions on the session page. A participant records one from a
 * "Decision:" line in the notes (one click), adds one with "+ Decision" and edits its text; a lead
 * marks one agreed and clears it again; a viewer sees them read-only. Nothing is refused: no
 * `mcpad_updates_refused_total` sample above 0, no page socket closed with a 4xxx code, and the
 * pages show what the server stores.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { screenshot, typeInTopic, useBrowser, waitForState } from '../helpers/browser.ts';
import { sessionLink } from '../helpers/session-api.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TIMEOUT_MS = 90_000;

let s: TestServer | undefined;
const browser = useBrowser();

afterEach(async () => {
  await browser.closeContexts();
  await s?.close();
  s = undefined;
});

/** Keeps every page socket's close code in `window.__mcpadCloses` (a 4400 is a schema refusal). */
function recordCloses(): void {
  const Native = window.WebSocket;
  const w = window as unknown as { __mcpadCloses: number[] };
  w.__mcpadCloses = [];
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('close', (event) => w.__mcpadCloses.push(event.code));
    }
  };
}

async function context(name: string): Promise<BrowserContext> {
  const created = await browser.context(name);
  await created.addInitScript(recordCloses);
  return created;
}

const refusedCloses = (page: Page): Promise<number[]> => page.evaluate(() => (window as unknown as { __mcpadCloses: number[] }).__mcpadCloses.filter((code) => code >= 4000));

async function refusedSamples(server: TestServer): Promise<string[]> {
  const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).text();
  expect(metrics).toContain('# TYPE mcpad_updates_refused_total counter');
  return metrics.split('\n').filter((line) => line.startsWith('mcpad_updates_refused_total') && Number(line.split(' ').pop()) > 0);
}

interface Shown {
  id: string;
  text: string;
  agreed: boolean;
}

async function stored(server: TestServer, topicId: string): Promise<Shown[]> {
  const body = (await (await fetch(`${server.url}/api/sessions/${SESSION}/decisions`)).json()) as { decisions: Array<{ id: string; text: string; topicId: string; agreedBy: string | null }> };
  return body.decisions.filter((d) => d.topicId === topicId).map((d) => ({ id: d.id, text: d.text, agreed: d.agreedBy !== null }));
}

const decisionsOf = (page: Page, topicId: string) => page.locator(`section[data-topic-id="${topicId}"] [data-testid="decisions"]`);

function shown(page: Page, topicId: string): Promise<Shown[]> {
  return decisionsOf(page, topicId)
    .locator('li.decision')
    .evaluateAll((rows) =>
      rows.map((row) => {
        const field = row.querySelector('.action-text');
        return {
          id: (row as HTMLElement).dataset['decisionId'] ?? '',
          text: field instanceof HTMLInputElement ? field.value : (field?.textContent ?? ''),
          agreed: row.classList.contains('is-agreed'),
        };
      }),
    );
}

describe('decisions on the session page (issue #17)', () => {
  it(
    'a participant records decisions from the notes and with + Decision, a lead marks one agreed; nothing is refused',
    async () => {
      s = await startServer();
      const topic = s.app.meta.getSession(SESSION).topics[1]!.id;
      const lead = await (await context('Lena')).newPage();
      await lead.goto(`${s.url}${await sessionLink(s, SESSION, 'lead')}`);
      const pat = await (await context('Pat')).newPage();
      await pat.goto(`${s.url}/s/${SESSION}`);
      const viewer = await (await context('Vic')).newPage();
      // The session page read-only (`?view=read`), where decisions sit beside the notes; the rendered
      // read view is covered in browser-read-views.test.ts.
      await viewer.goto(`${s.url}${(await sessionLink(s, SESSION, 'viewer')).replace('/read?', '?view=read&')}`);
      await Promise.all([waitForState(lead, 'saved'), waitForState(pat, 'saved'), waitForState(viewer, 'saved')]);

      // A "Decision:" line typed in the notes is offered once, and disappears when recorded.
      const block = decisionsOf(pat, topic);
      await typeInTopic(pat, topic, 'Discussion of the checkpoint format\n- **Decision:** keep the image format stable');
      const offer = block.getByRole('button', { name: 'Record as decision: keep the image format stable' });
      await offer.waitFor({ timeout: 10_000 });
      await offer.click();
      await waitFor(async () => (await block.locator('.decision-candidate').count()) === 0, 'the offer gone once recorded');
      await waitFor(async () => (await block.getByRole('status').textContent())?.includes('Decision recorded') ?? false, 'the recording announced');

      // "+ Decision", then edit its text.
      await block.locator('input[name="decision"]').fill('Ship criu 3.14 with cgroup v2');
      await block.getByRole('button', { name: '+ Decision' }).click();
      await waitFor(async () => (await shown(pat, topic)).length === 2, 'two decisions listed');
      const field = block.locator('li.decision').last().locator('input.action-text');
      await field.click();
      await pat.keyboard.press('End');
      await pat.keyboard.type(' support', { delay: 2 });
      await pat.keyboard.press('Enter');
      await waitFor(async () => (await stored(s!, topic)).some((d) => d.text === 'Ship criu 3.14 with cgroup v2 support'), 'the edited text stored');

      // Participants have no agree button; the lead marks the first one agreed, everyone sees it.
      expect(await block.locator('[data-testid="agree"]').count()).toBe(0);
      const leadBlock = decisionsOf(lead, topic);
      await waitFor(async () => (await shown(lead, topic)).length === 2, 'the lead sees both');
      await leadBlock.locator('li.decision').first().locator('[data-testid="agree"]').click();
      await waitFor(async () => (await shown(pat, topic))[0]?.agreed === true, 'agreed on Pat’s page');
      await waitFor(async () => (await shown(viewer, topic))[0]?.agreed === true, 'agreed on the viewer’s page');
      expect(await block.locator('li.decision').first().locator('.action-meta').textContent()).toMatch(/agreed by Lena \(lead\)/);
      await screenshot(pat, 'decisions-agreed');
      // And clears it again, then agrees the second one.
      await leadBlock.locator('li.decision').first().locator('[data-testid="agree"]').click();
      await waitFor(async () => (await shown(pat, topic))[0]?.agreed === false, 'no longer agreed on Pat’s page');
      await leadBlock.locator('li.decision').last().locator('[data-testid="agree"]').click();
      await waitFor(async () => (await shown(pat, topic))[1]?.agreed === true, 'the second agreed on Pat’s page');
      // The lead records one too, from the notes.
      await typeInTopic(lead, topic, '\nAgreed: document the lazy-pages protocol');
      await leadBlock.getByRole('button', { name: 'Record as decision: document the lazy-pages protocol' }).click();
      await waitFor(async () => (await shown(pat, topic)).length === 3, 'the lead’s decision on Pat’s page');

      // The viewer reads only: no form, no fields, no offers.
      expect(await decisionsOf(viewer, topic).locator('input, button').count()).toBe(0);

      await Promise.all([waitForState(lead, 'saved'), waitForState(pat, 'saved')]);
      expect(await refusedSamples(s)).toEqual([]);
      for (const page of [lead, pat, viewer]) expect(await refusedCloses(page)).toEqual([]);
      const expected = await stored(s, topic);
      expect(expected.map((d) => [d.text, d.agreed])).toEqual([
        ['keep the image format stable', false],
        ['Ship criu 3.14 with cgroup v2 support', true],
        ['document the lazy-pages protocol', false],
      ]);
      for (const page of [lead, pat, viewer]) await waitFor(async () => JSON.stringify(await shown(page, topic)) === JSON.stringify(expected), 'the page to show what the server stores');
    },
    TIMEOUT_MS,
  );
});
