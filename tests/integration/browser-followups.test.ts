/**
 * Links, roles and follow-ups in the browser (issues 4 and 5): a lead assigns on the session page
 * and a participant sees it live; viewer and refused links; the board (grouping, status filter,
 * "my follow-ups", lead assigning); the "now discussing" pointer in a second browser; downloads.
 * Screenshots (desktop and phone width) go to test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { screenshot, useBrowser, waitForState } from '../helpers/browser.ts';
import { addItem, api, sessionLink } from '../helpers/session-api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const EVENT = 'lpc2019';
const TIMEOUT_MS = 120_000;

let s: TestServer;
const browser = useBrowser();

afterEach(async () => {
  await browser.closeContexts();
  await s?.close();
});

const page = browser.page;

const item = (p: Page, itemId: string) => p.locator(`li.action[data-item-id="${itemId}"]`);

describe('follow-ups in the browser', () => {
  it(
    'a lead assigns an item on the session page and a participant sees it live; participants get no assignment controls',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      const itemId = await addItem(s, SESSION, topics[0]!.id, 'Post the CRIU cgroup patches');
      const leadLink = await sessionLink(s, SESSION, 'lead');

      const lead = await page('Lena');
      await lead.goto(`${s.url}${leadLink}`);
      await waitForState(lead, 'saved');
      expect(await lead.getAttribute('[data-testid="role"]', 'data-role')).toBe('lead');
      expect(new URL(lead.url()).search).toBe('');
      expect(await lead.evaluate((id) => localStorage.getItem(`mcpad:token:${id}`), SESSION)).toMatch(/^mcp_/);

      const participant = await page('Pat', { phone: true });
      await participant.goto(`${s.url}/s/${SESSION}`);
      await waitForState(participant, 'saved');
      expect(await participant.getAttribute('[data-testid="role"]', 'data-role')).toBe('participant');
      await item(participant, itemId).waitFor();
      expect(await participant.locator('details.assign').count()).toBe(0);
      expect(await participant.locator('[data-testid="discuss"]').count()).toBe(0);

      const row = item(lead, itemId);
      await row.locator('details.assign summary').click();
      await row.locator('input[name="assignee"]').fill('Carol');
      await row.locator('input[name="email"]').fill('carol@example.org');
      await row.locator('input[name="due"]').fill('2026-12-15');
      await row.locator('select[name="status"]').selectOption('in-progress');
      await screenshot(lead, 'followups-assign-form');
      await row.locator('button[type="submit"]').click();

      await waitFor(async () => (await item(participant, itemId).locator('[data-testid="followup"]').textContent())?.includes('Carol'), 'the assignee on the participant’s page');
      expect(await item(participant, itemId).locator('[data-testid="followup"]').textContent()).toBe('→ Carol · due 2026-12-15 · in progress');
      await waitFor(async () => (await row.locator('[data-testid="followup"]').textContent())?.includes('Carol'), 'the assignee on the lead’s page');
      expect(await row.locator('details.assign').getAttribute('open')).toBeNull();
      const stored = (await api(s, 'GET', `/api/sessions/${SESSION}/action-items`)).json.items.find((i: { id: string }) => i.id === itemId);
      expect(stored).toMatchObject({ assignee: { name: 'Carol', email: 'carol@example.org' }, due: '2026-12-15', status: 'in-progress' });
      expect(stored.history[0].by).toContain('Lena');

      // Errors show inline, next to the form.
      await row.locator('details.assign summary').click();
      await row.locator('input[name="assignee"]').fill('');
      await row.locator('button[type="submit"]').click();
      await waitFor(async () => (await row.locator('[data-testid="assign-error"]').textContent()) === 'An email needs a name.', 'the inline assignment error');

      // Revoking the lead link closes the lead's sockets (4403): the page says the link is refused.
      const tokens = (await api(s, 'GET', `/api/sessions/${SESSION}/tokens`)).json.tokens as { id: string; role: string }[];
      for (const t of tokens.filter((t) => t.role === 'lead')) await api(s, 'DELETE', `/api/sessions/${SESSION}/tokens/${t.id}`);
      await lead.locator('[data-testid="link-refused"]').waitFor();

      await item(participant, itemId).scrollIntoViewIfNeeded();
      await screenshot(participant, 'followups-participant-phone');
    },
    TIMEOUT_MS,
  );

  it(
    'a viewer link gives the read-only UI; a refused link says so and offers to continue without it',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      await addItem(s, SESSION, topics[0]!.id, 'Something to do');
      const viewerLink = await sessionLink(s, SESSION, 'viewer');
      const viewer = await page(null);
      // The viewer link opens the rendered read view (/s/:id/read): nothing to edit there.
      await viewer.goto(`${s.url}${viewerLink}`);
      await viewer.locator('li.read-action', { hasText: 'Something to do' }).waitFor();
      // (#app: the page itself; the search bar above every page is not an editing control.)
      expect(await viewer.locator('#app').locator('#name-input, [contenteditable="true"], form, input, textarea, select').count()).toBe(0);
      // Reopening the plain session address keeps the viewer's role (the link is kept on this device).
      await viewer.goto(`${s.url}/s/${SESSION}`);
      await waitForState(viewer, 'saved');
      expect(await viewer.getAttribute('[data-testid="role"]', 'data-role')).toBe('viewer');
      expect(await viewer.locator('#name-input').count()).toBe(0);
      expect(await viewer.locator('.cm-content[contenteditable="true"]').count()).toBe(0);
      expect(await viewer.locator('form.add-action, details.assign, [data-testid="discuss"], input[type="checkbox"].action').count()).toBe(0);
      expect(await viewer.locator('li.action input').count()).toBe(0);
      await screenshot(viewer, 'viewer-link');

      const stranger = await page('Sam');
      await stranger.goto(`${s.url}/s/${SESSION}?token=mcp_not-a-real-token`);
      await stranger.locator('[data-testid="link-refused"]').waitFor();
      await screenshot(stranger, 'link-refused');
      await stranger.click('[data-testid="continue-without-link"]');
      await waitForState(stranger, 'saved');
      expect(await stranger.getAttribute('[data-testid="role"]', 'data-role')).toBe('participant');
    },
    TIMEOUT_MS,
  );

  it(
    'the board groups by person and session, filters by status, shows my follow-ups, lets a lead assign, and offers CSV/iCalendar',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      const carolItem = await addItem(s, SESSION, topics[0]!.id, 'Review the seccomp notifier series');
      const daveItem = await addItem(s, SESSION, topics[1]!.id, 'Write the CRIU blog post');
      const openItem = await addItem(s, SESSION, topics[2]!.id, 'Nobody owns this yet');
      await api(s, 'PATCH', `/api/sessions/${SESSION}/action-items/${carolItem}`, { assignee: { name: 'Carol' }, status: 'in-progress', due: '2026-12-01', by: 'admin' });
      await api(s, 'PATCH', `/api/sessions/${SESSION}/action-items/${daveItem}`, { assignee: { name: 'Dave' }, status: 'done', by: 'admin' });

      const carol = await page('Carol');
      await carol.goto(`${s.url}/`);
      await carol.locator('[data-testid="board-link"]').first().click();
      await carol.waitForURL(`**/e/${EVENT}/followups`);
      const board = carol.locator('[data-testid="board"]');
      await board.locator('section[data-group="Carol"] li[data-item-id]').first().waitFor();
      const groupIds = async (group: string) => board.locator(`section[data-group="${group}"] li[data-item-id]`).evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset['itemId']));
      expect(await groupIds('Carol')).toEqual([carolItem]);
      expect(await groupIds('Dave')).toEqual([daveItem]);
      expect(await groupIds('Unassigned')).toEqual([openItem]);
      expect(await board.locator('section[data-group]').evaluateAll((sections) => sections.map((x) => (x as HTMLElement).dataset['group']))).toEqual(['Carol', 'Dave', 'Unassigned']);
      expect(await carol.locator('details.assign').count()).toBe(0);
      await screenshot(carol, 'board-by-person');

      await carol.selectOption('[data-testid="status-filter"]', 'done');
      await waitFor(async () => (await board.locator('li[data-item-id]').count()) === 1, 'only done items');
      expect(await board.locator('li[data-item-id]').getAttribute('data-item-id')).toBe(daveItem);
      expect(carol.url()).toContain('status=done');
      expect(await carol.getAttribute('[data-testid="csv"]', 'href')).toBe(`/api/events/${EVENT}/followups?status=done&format=csv`);
      const csv = await (await fetch(`${s.url}${await carol.getAttribute('[data-testid="csv"]', 'href')}`)).text();
      expect(csv).toContain('Write the CRIU blog post');
      expect(csv).not.toContain('seccomp');
      const ics = await fetch(`${s.url}${await carol.getAttribute('[data-testid="ics"]', 'href')}`);
      expect(ics.headers.get('content-type')).toContain('text/calendar');
      await carol.selectOption('[data-testid="status-filter"]', '');
      await waitFor(async () => (await board.locator('li[data-item-id]').count()) === 3, 'all items again');

      await carol.check('#group-session');
      await waitFor(async () => (await board.locator('section[data-group]').count()) === 1, 'grouping by session');
      expect(await board.locator('section[data-group] h2').textContent()).toContain('Containers and Checkpoint/Restore MC');

      await carol.click('[data-testid="my-followups"]');
      await carol.waitForURL(/assignee=Carol/);
      await waitFor(async () => (await board.locator('li[data-item-id]').count()) === 1, 'only Carol’s items');
      expect(await board.locator('li[data-item-id]').getAttribute('data-item-id')).toBe(carolItem);
      expect(await carol.locator('h1').textContent()).toBe('Follow-ups of Carol');
      await screenshot(carol, 'board-my-followups');

      // A lead (link kept on this device from the session page) assigns from the board.
      const lead = await page('Lena', { phone: true });
      await lead.goto(`${s.url}${await sessionLink(s, SESSION, 'lead')}`);
      await waitForState(lead, 'saved');
      await lead.click('[data-testid="board-link"]');
      const open = lead.locator(`li[data-item-id="${openItem}"]`);
      await open.locator('details.assign summary').click();
      await open.locator('input[name="assignee"]').fill('Carol');
      await open.locator('button[type="submit"]').click();
      await waitFor(async () => (await lead.locator(`section[data-group="Carol"] li[data-item-id="${openItem}"]`).count()) === 1, 'the item under Carol on the lead’s board');
      await screenshot(lead, 'board-lead-phone');
      // Carol's own page picks it up on focus or the periodic refresh.
      await carol.reload();
      await waitFor(async () => (await board.locator('li[data-item-id]').count()) === 2, 'Carol’s page shows the new item');
    },
    TIMEOUT_MS,
  );

  it(
    'the "now discussing" pointer set by a lead shows, highlighted and followed, in a second browser',
    async () => {
      s = await startServer();
      const topics = s.app.meta.getSession(SESSION).topics;
      const leadLink = await sessionLink(s, SESSION, 'lead');
      const lead = await page('Lena');
      await lead.goto(`${s.url}${leadLink}`);
      await waitForState(lead, 'saved');
      const other = await page('Pat', { phone: true });
      await other.goto(`${s.url}/s/${SESSION}`);
      await waitForState(other, 'saved');
      await other.check('[data-testid="follow"]');

      const target = topics[5]!;
      await lead.locator(`section[data-topic-id="${target.id}"] [data-testid="discuss"]`).click();
      const section = other.locator(`section[data-topic-id="${target.id}"]`);
      await waitFor(async () => (await section.getAttribute('class'))?.includes('is-discussing'), 'the topic highlighted in the second browser');
      expect(await section.locator('[data-testid="now-badge"]').isVisible()).toBe(true);
      expect(await other.locator('[data-testid="now-discussing"]').textContent()).toContain(target.title);
      // Followed: the topic is scrolled into view.
      await waitFor(async () => section.evaluate((el) => Math.abs(el.getBoundingClientRect().top) < 200), 'the followed topic scrolled into view');
      await waitFor(async () => (await section.locator('[data-testid="discussed-times"]').textContent())?.startsWith('Discussed '), 'the real time shown');
      await screenshot(other, 'now-discussing-phone');
      await screenshot(lead, 'now-discussing-lead');

      // The lead moves on; the follower follows.
      const next = topics[1]!;
      await lead.locator(`section[data-topic-id="${next.id}"] [data-testid="discuss"]`).click();
      const nextSection = other.locator(`section[data-topic-id="${next.id}"]`);
      await waitFor(async () => (await nextSection.getAttribute('class'))?.includes('is-discussing'), 'the next topic highlighted');
      expect(await section.getAttribute('class')).not.toContain('is-discussing');
      await waitFor(async () => nextSection.evaluate((el) => Math.abs(el.getBoundingClientRect().top) < 200), 'the next topic scrolled into view');
      // Stop.
      await lead.locator(`section[data-topic-id="${next.id}"] [data-testid="discuss"]`).click();
      await waitFor(async () => (await other.locator('section.is-discussing').count()) === 0, 'no topic highlighted after stop');
      expect((await api(s, 'GET', `/api/sessions/${SESSION}/discussion`)).json.log).toHaveLength(2);
    },
    TIMEOUT_MS,
  );

  it(
    'the session and event pages offer md, html, json and txt downloads',
    async () => {
      s = await startServer();
      const p = await page('Pat');
      await p.goto(`${s.url}/s/${SESSION}`);
      await waitForState(p, 'saved');
      const hrefs = await p.locator('[data-testid="downloads"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual(['md', 'html', 'json', 'txt'].map((f) => `/api/sessions/${SESSION}/export?format=${f}`));
      const download = p.waitForEvent('download');
      await p.click('[data-testid="downloads"] a[data-format="md"]');
      expect((await download).suggestedFilename()).toBe(`${EVENT}-${SESSION}-summary.md`);
      await screenshot(p, 'session-header-links');

      await p.goto(`${s.url}/`);
      await p.locator('[data-testid="downloads"] a').first().waitFor();
      const eventHrefs = await p.locator('[data-testid="downloads"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(eventHrefs).toEqual(['md', 'html', 'json', 'txt'].map((f) => `/api/events/${EVENT}/export?format=${f}`));
      for (const href of eventHrefs) expect((await fetch(`${s.url}${href}`)).status).toBe(200);
      await screenshot(p, 'event-page-links');
    },
    TIMEOUT_MS,
  );
});
