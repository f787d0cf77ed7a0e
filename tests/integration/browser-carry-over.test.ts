/**
 * Issue #17 acceptance in Chromium: on a follow-on session, a lead carries a follow-up of its
 * predecessor over with one click and sees it on the board under its assignee for both events
 * (the original "carried to", the new item "from"), and on the person's page across events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { screenshot, useBrowser, waitForState } from '../helpers/browser.ts';
import { addItem, api } from '../helpers/session-api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const TIMEOUT_MS = 120_000;
const PERSON = 'Demo person';
let s: TestServer;
const browser = useBrowser();

afterEach(async () => {
  await browser.closeContexts();
  await s?.close();
});

describe('carry-over in the browser', () => {
  it(
    'a lead carries a follow-up over from the predecessor and the board shows it under its assignee in both events',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession('containers-cr').topics;
      const itemId = await addItem(s, 'containers-cr', topics[0]!.id, '(test) Post the series');
      expect((await api(s, 'PATCH', `/api/sessions/containers-cr/action-items/${itemId}`, { assignee: { name: PERSON }, status: 'in-progress' })).status).toBe(200);
      const imported = await api(s, 'POST', '/api/events/lpc2020/sessions', { id: 'cr-2020', title: 'C/R MC 2020', previous: 'lpc2019/containers-cr', topics: [{ title: topics[0]!.title }] });
      expect(imported.status).toBe(201);

      const lead = await browser.page('Lena');
      await lead.goto(`${s.url}/s/cr-2020?token=${imported.json.sessions[0].leadToken}`);
      await waitForState(lead, 'saved');
      const panel = lead.locator('[data-testid="carry-over"]');
      await panel.locator(`li[data-item-id="${itemId}"]`).waitFor();
      await screenshot(lead, 'carry-over-panel');
      const button = panel.getByRole('button', { name: 'Carry over: (test) Post the series' });
      await button.focus();
      await lead.keyboard.press('Enter');
      await lead.locator('[data-testid="carry-status"]', { hasText: 'Carried over' }).waitFor();
      await panel.locator(`li[data-item-id="${itemId}"] [data-testid="carried-to"]`, { hasText: 'lpc2020/cr-2020' }).waitFor();
      // The new item, live on the session page, says where it came from.
      await lead.locator('li.action [data-testid="carried-from"]', { hasText: 'lpc2019/containers-cr' }).waitFor();
      expect(await lead.locator('li.action .action-meta').textContent()).toContain('captured by Lena (lead)');
      // The clicked button is gone; the keyboard is on the announced outcome.
      expect(await lead.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('carry-status');

      const board = await browser.page('Bo');
      await board.goto(`${s.url}/e/lpc2019/followups`);
      const original = board.locator(`section[data-group="${PERSON}"] li[data-item-id="${itemId}"]`);
      await original.locator('[data-testid="carried-to"]', { hasText: 'lpc2020/cr-2020' }).waitFor();
      await board.goto(`${s.url}/e/lpc2020/followups`);
      const carried = board.locator(`section[data-group="${PERSON}"] li.board-item`);
      await carried.locator('[data-testid="carried-from"]', { hasText: 'lpc2019/containers-cr' }).waitFor();
      expect(await carried.locator('.board-text').textContent()).toBe('(test) Post the series');
      await screenshot(board, 'carry-over-board');

      await board.goto(`${s.url}/followups/person/${encodeURIComponent(PERSON)}`);
      await board.locator('[data-testid="person-board"] section[data-group="lpc2019"] li.board-item').waitFor();
      await board.locator('[data-testid="person-board"] section[data-group="lpc2020"] li.board-item').waitFor();
    },
    TIMEOUT_MS,
  );
});
