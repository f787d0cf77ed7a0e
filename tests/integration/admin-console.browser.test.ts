/**
 * The organiser console and the lead's Share dialog (issue 15) in Chromium, against routes that
 * exist today: sign-in (a wrong token says so), the events list with people online, "New lead
 * link" (two clicks: the button, then Copy) with its QR code, creating and revoking links, and a
 * lead on a phone-width page sharing a viewer link that stops working the moment it is revoked.
 * The session/topic edits and the import preview are in admin-console-edits.browser.test.ts.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, useBrowser, waitForState } from '../helpers/browser.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
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

async function server(): Promise<TestServer> {
  const started = await startServer();
  servers.push(started);
  return started;
}

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.fill('[data-testid="admin-token"]', token);
  await page.press('[data-testid="admin-token"]', 'Enter');
}

/** The link in the open shown-once dialog, after copying it with the Copy button. */
async function copyShownLink(page: Page): Promise<string> {
  const dialog = page.locator('[data-testid="link-dialog"]');
  await dialog.waitFor();
  await dialog.locator('[data-testid="copy-link"]').click();
  await waitFor(async () => ((await dialog.getByRole('status').textContent()) ?? '').length > 0, 'the copy announcement');
  const shown = await dialog.locator('[data-testid="new-link"]').inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  return shown;
}

describe('organiser console and Share dialog (existing routes)', () => {
  it(
    'a wrong admin token is refused and stored nowhere; the right one opens the console, survives a reload of the tab, and sign out forgets it',
    async () => {
      const s = await server();
      const page = await browser.page(null);
      await signIn(page, s.url, 'not-the-admin-token-at-all');
      await waitFor(async () => (await page.textContent('[data-testid="sign-in-error"]'))?.includes('not the admin token'), 'the wrong-token message');
      expect(await page.evaluate(() => sessionStorage.getItem('mcpad:admin-token'))).toBeNull();
      expect(await page.evaluate(() => localStorage.getItem('mcpad:admin-token'))).toBeNull();

      await page.fill('[data-testid="admin-token"]', TEST_ADMIN_TOKEN);
      await page.press('[data-testid="admin-token"]', 'Enter');
      const row = page.locator(`li[data-session-id="${SESSION}"]`);
      await row.waitFor();
      expect(await row.locator('[data-testid="online"]').getAttribute('data-count')).toBe('0');
      expect(await page.evaluate(() => localStorage.getItem('mcpad:admin-token'))).toBeNull();
      await page.reload();
      await row.waitFor();
      await page.click('[data-testid="sign-out"]');
      await page.locator('[data-testid="admin-token"]').waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('mcpad:admin-token'))).toBeNull();
    },
    TIMEOUT_MS,
  );

  it(
    'New lead link in two clicks, with a QR code; the lead shares a viewer link from a phone; revoking it refuses the viewer within 5 s',
    async () => {
      const s = await server();
      const organiser = await browser.page(null);
      await organiser.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
      await signIn(organiser, s.url, TEST_ADMIN_TOKEN);
      const row = organiser.locator(`li[data-session-id="${SESSION}"]`);
      await row.locator('[data-testid="new-lead-link"]').click();
      const leadLink = await copyShownLink(organiser);
      expect(leadLink).toMatch(new RegExp(`^${s.url}/s/${SESSION}\\?token=`));
      await organiser.click('[data-testid="show-qr"]');
      const qr = organiser.locator('[data-testid="link-dialog"] [data-testid="qr-code"]');
      await qr.waitFor();
      expect(await qr.getAttribute('data-qr-text')).toBe(leadLink);
      expect(await qr.locator('svg').count()).toBe(1);
      expect(await qr.getAttribute('aria-label')).toContain('lead link');
      await screenshot(organiser, 'admin-new-lead-link');
      await organiser.click('[data-testid="close-dialog"]');

      // The admin's list shows the lead link without its secret.
      await row.locator('[data-testid="manage-session"] summary').click();
      const adminList = row.locator('[data-testid="link-list"]');
      await adminList.locator('li[data-role="lead"]', { hasText: 'from the console' }).waitFor();
      expect(await adminList.textContent()).not.toContain(new URL(leadLink).searchParams.get('token')!);

      // The lead, on a phone, opens Share and creates a viewer link.
      const lead = await browser.page('Lena', { phone: true });
      await lead.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
      await lead.goto(leadLink);
      await waitForState(lead, 'saved');
      await lead.click('[data-testid="share"]');
      const share = lead.locator('[data-testid="share-dialog"]');
      await share.waitFor();
      expect(await share.locator('[data-testid="link-role"] option').evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value))).toEqual(['participant', 'viewer']);
      const width = await share.evaluate((d) => d.getBoundingClientRect().width);
      expect(width).toBeLessThanOrEqual(390);
      await share.locator('[data-testid="link-role"]').selectOption('viewer');
      await share.locator('[data-testid="link-label"]').fill('room screen');
      await share.locator('[data-testid="create-link"]').click();
      const viewerLink = await copyShownLink(lead);
      expect(viewerLink).toContain(`/s/${SESSION}/read?token=`);
      await lead.click('[data-testid="show-qr"]');
      await lead.locator('[data-testid="link-dialog"] [data-testid="qr-code"]').waitFor();
      await screenshot(lead, 'share-dialog-phone-qr');
      await lead.click('[data-testid="close-dialog"]');

      const viewer = await browser.page(null);
      await viewer.goto(viewerLink);
      await viewer.locator('[data-testid="notes-html"]').first().waitFor();
      expect(await viewer.locator('[contenteditable="true"]').count()).toBe(0);

      const viewerRow = share.locator('li[data-role="viewer"]', { hasText: 'room screen' });
      await viewerRow.locator('[data-testid="revoke-link"]').click();
      await waitFor(async () => (await share.locator('[data-testid="links-status"]').textContent())?.startsWith('Revoked'), 'the revoke announcement');
      const revokedAt = Date.now();
      await viewer.locator('[role="alert"][data-reason="forbidden"]').waitFor({ timeout: 5000 });
      expect(Date.now() - revokedAt).toBeLessThan(5000);
      expect(await viewerRow.getAttribute('class')).toContain('is-revoked');
    },
    TIMEOUT_MS,
  );

  it(
    'imports an Etherpad pad from the console: its text lands in the notes with its authors (issue #16)',
    async () => {
      const s = await server();
      const page = await browser.page(null);
      await signIn(page, s.url, TEST_ADMIN_TOKEN);
      const row = page.locator(`li[data-session-id="${SESSION}"]`);
      await row.locator('[data-testid="manage-session"] summary').click();
      await row.locator('[data-testid="pad-file"]').setInputFiles(path.join(import.meta.dirname, '../fixtures/etherpad/lpc2019-containers-cr.etherpad'));
      await row.locator('[data-testid="import-pad"]').click();
      await waitFor(async () => (await page.textContent('[data-testid="console-status"]'))?.startsWith('Imported the pad'), 'the import announcement');
      const md = await (await fetch(`${s.url}/api/sessions/${SESSION}/export?format=md`)).text();
      expect(md).toContain('Anbox and the Android container story: binderfs landed in 5.0');
      const contributors = (await (await fetch(`${s.url}/api/sessions/${SESSION}/contributors`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()).contributors;
      expect([...contributors].sort()).toEqual(['Ada Lovelace', 'Christian', 'Linus']);
    },
    TIMEOUT_MS,
  );
});
