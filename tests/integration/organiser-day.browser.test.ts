/**
 * Issue #15's acceptance, end to end in Chromium from an empty data dir (`SEED_DIR=none`): the
 * organiser signs in at /admin, pastes the seed MC page, checks the preview (19 topics, three
 * leads), imports and hands out a lead link; the lead shares a viewer link from "Share"; the viewer
 * sees rendered, inert notes and cannot edit, and is told within 5 s when the lead revokes the
 * link; the organiser renames and reorders topics while everyone's pages follow live with no notes
 * lost; the projector follows the lead's "now discussing" within 1 s.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { typeInTopic, useBrowser, waitForNotes, waitForState } from '../helpers/browser.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const EVENT = 'lpc2019';
const SESSION = 'containers-cr';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

const browser = useBrowser();
let servers: TestServer[] = [];
afterEach(async () => {
  await browser.closeContexts();
  for (const s of servers) await s.close();
  servers = [];
});

/** The link shown once in the open link dialog, then the dialog closed. */
async function shownLink(page: Page): Promise<string> {
  const dialog = page.locator('[data-testid="link-dialog"]');
  await dialog.waitFor();
  const link = await dialog.locator('[data-testid="new-link"]').inputValue();
  await page.click('[data-testid="close-dialog"]');
  return link;
}

async function organiserImportsTheSeed(organiser: Page, url: string): Promise<void> {
  await organiser.goto(`${url}/admin`);
  await organiser.fill('[data-testid="admin-token"]', TEST_ADMIN_TOKEN);
  await organiser.press('[data-testid="admin-token"]', 'Enter');
  await organiser.fill('[data-testid="import-event"]', EVENT);
  await organiser.fill('[data-testid="import-event-title"]', 'Linux Plumbers Conference 2019');
  await organiser.fill('[data-testid="import-session"]', SESSION);
  await organiser.fill('[data-testid="import-text"]', await readFile(path.join(PROJECT_ROOT, 'data', 'seed', 'containers-cr.txt'), 'utf8'));
  await organiser.click('[data-testid="preview-import"]');
  const preview = organiser.locator(`.preview-session[data-session-id="${SESSION}"]`);
  await preview.waitFor();
  expect(await preview.locator('.preview-topics li').count()).toBe(19);
  const leads = (await preview.locator('[data-testid="preview-leads"]').textContent()) ?? '';
  for (const name of ['Stéphane Graber', 'Christian Brauner', 'Mike Rapoport']) expect(leads).toContain(name);
  expect((await (await fetch(`${url}/api/events`)).json()).events).toEqual([]);
  await organiser.click('[data-testid="run-import"]');
}

describe("the organiser's and the lead's day in the browser (issue #15 acceptance)", () => {
  it('from an empty data dir: import with preview, lead and viewer links, rendered inert notes, revocation, live structure edits, the projector', async () => {
    const s = await startServer({ seedDir: null });
    servers.push(s);
    const organiser = await browser.page(null);
    await organiserImportsTheSeed(organiser, s.url);
    const row = organiser.locator(`li[data-session-id="${SESSION}"]`);
    await row.waitFor();
    // Any leftover dialog (the import offers the created session's lead link once) is closed first.
    if (await organiser.locator('[data-testid="link-dialog"][open]').count()) await organiser.click('[data-testid="close-dialog"]');
    await row.locator('[data-testid="new-lead-link"]').click();
    const leadLink = await shownLink(organiser);
    expect(leadLink).toMatch(new RegExp(`/s/${SESSION}\\?token=`));

    const topics = s.app.meta.getSession(SESSION).topics.map((t) => t.id);
    const [first, second, third] = [topics[0]!, topics[1]!, topics[2]!];

    // The lead opens "Share" and creates a viewer link.
    const lead = await browser.page('Lena');
    await lead.goto(leadLink);
    await waitForState(lead, 'saved');
    await lead.click('[data-testid="share"]');
    const share = lead.locator('[data-testid="share-dialog"]');
    await share.locator('[data-testid="link-role"]').selectOption('viewer');
    await share.locator('[data-testid="link-label"]').fill('room screen');
    await share.locator('[data-testid="create-link"]').click();
    const viewerLink = await shownLink(lead);

    // A participant writes Markdown and a hostile tag.
    const participant = await browser.page('Pat');
    await participant.goto(`${s.url}/s/${SESSION}`);
    await waitForState(participant, 'saved');
    await typeInTopic(participant, second, `We took a **decision** here. ${HOSTILE}`);
    await waitForNotes(participant, second, (t) => t.includes('onerror'), 'the participant notes');

    // The viewer sees rendered notes: bold, the tag inert, nothing editable.
    const viewer = await browser.page(null);
    await viewer.goto(viewerLink);
    const viewerNotes = viewer.locator(`[data-topic-id="${second}"] [data-testid="notes-html"]`);
    await viewerNotes.locator('strong', { hasText: 'decision' }).waitFor();
    expect(await viewerNotes.locator('img').count()).toBe(0);
    expect(await viewerNotes.textContent()).toContain('onerror');
    expect(await viewer.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await viewer.locator('#app').locator('[contenteditable="true"], form, input, textarea').count()).toBe(0);

    // The lead revokes it: the viewer's page says so within 5 s.
    await share.locator('li[data-role="viewer"]', { hasText: 'room screen' }).locator('[data-testid="revoke-link"]').click();
    const revokedAt = Date.now();
    await viewer.locator('[role="alert"][data-reason="forbidden"]').waitFor({ timeout: 5000 });
    expect(Date.now() - revokedAt).toBeLessThan(5000);
    await lead.click('[data-testid="close-share"]');

    // The organiser renames a topic and swaps two; every open page follows, notes kept.
    await organiser.reload();
    await row.waitFor();
    await row.locator('[data-testid="manage-session"] summary').click();
    const editor = row.locator('[data-testid="topic-editor"]');
    await editor.locator(`li[data-topic-id="${first}"] [data-testid="topic-title"]`).fill('Android containers, renamed live');
    await editor.locator(`li[data-topic-id="${first}"] [data-action="rename"]`).click();
    await editor.locator(`li[data-topic-id="${third}"] [data-action="up"]`).click();
    for (const page of [lead, participant]) {
      await waitFor(async () => (await page.locator(`section[data-topic-id="${first}"] h2`).textContent())?.includes('Android containers, renamed live'), 'the renamed heading');
      await waitFor(async () => {
        const order = await page.locator('section[data-topic-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-topic-id')));
        return order.indexOf(third) < order.indexOf(second);
      }, 'the swapped topics');
      await waitForNotes(page, second, (t) => t.includes('**decision**'), 'notes kept through the move');
    }

    // The projector follows the lead's "now discussing" within 1 s.
    const screen = await browser.page(null);
    await screen.goto(`${s.url}/s/${SESSION}/present`);
    const shown = screen.locator('[data-testid="present-topic"]');
    await shown.waitFor();
    await lead.click('[data-testid="share"]');
    await share.locator('[data-testid="share-now"]').selectOption(second);
    const setAt = Date.now();
    await share.locator('[data-testid="share-set-now"]').click();
    await waitFor(async () => (await shown.getAttribute('data-shown-topic')) === second, 'the projector on the discussed topic', 1000, 10);
    expect(Date.now() - setAt).toBeLessThan(1000);
    await shown.locator('strong', { hasText: 'decision' }).waitFor();
  }, 180_000);
});
