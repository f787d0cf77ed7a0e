/**
 * The console against the routes the API part of issue 15 adds (import dry run, topic rename and
 * reorder): NEEDS the s15-api branch merged; on a server without them it fails (it is not skipped).
 * From an empty data dir the organiser previews the seed page (19 topics, three leads), imports it,
 * renames a topic and moves another, and an open notes page shows both live with no notes lost.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';
import { typeInTopic, useBrowser, waitForNotes, waitForState } from '../helpers/browser.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const browser = useBrowser();
let servers: TestServer[] = [];
afterEach(async () => {
  await browser.closeContexts();
  for (const s of servers) await s.close();
  servers = [];
});

describe('organiser console edits (needs the s15-api routes)', () => {
  it('preview, import, rename and reorder from an empty data dir; an open page follows live with its notes', async () => {
    const s = await startServer({ seedDir: null });
    servers.push(s);
    const organiser = await browser.page(null);
    await organiser.goto(`${s.url}/admin`);
    await organiser.fill('[data-testid="admin-token"]', TEST_ADMIN_TOKEN);
    await organiser.press('[data-testid="admin-token"]', 'Enter');
    await organiser.fill('[data-testid="import-event"]', 'lpc2026');
    await organiser.fill('[data-testid="import-event-title"]', 'Plumbers 2026');
    await organiser.fill('[data-testid="import-session"]', 'containers');
    await organiser.fill('[data-testid="import-text"]', await readFile(path.join(PROJECT_ROOT, 'data', 'seed', 'containers-cr.txt'), 'utf8'));
    await organiser.click('[data-testid="preview-import"]');
    const preview = organiser.locator('.preview-session[data-session-id="containers"]');
    await preview.waitFor();
    expect(await preview.locator('.preview-topics li').count()).toBe(19);
    const leads = (await preview.locator('[data-testid="preview-leads"]').textContent()) ?? '';
    for (const name of ['Stéphane Graber', 'Christian Brauner', 'Mike Rapoport']) expect(leads).toContain(name);
    expect((await (await fetch(`${s.url}/api/events`)).json()).events).toEqual([]);
    await organiser.click('[data-testid="run-import"]');
    const row = organiser.locator('li[data-session-id="containers"]');
    await row.waitFor();

    const topics = s.app.meta.getSession('containers').topics;
    const [first, second] = [topics[0]!.id, topics[1]!.id];
    const noter = await browser.page('Nora');
    await noter.goto(`${s.url}/s/containers`);
    await waitForState(noter, 'saved');
    await typeInTopic(noter, second, 'kept through the move');
    await waitForNotes(noter, second, (t) => t.includes('kept through the move'), 'typed notes');

    await row.locator('[data-testid="manage-session"] summary').click();
    const editor = row.locator('[data-testid="topic-editor"]');
    await editor.locator(`li[data-topic-id="${first}"] [data-testid="topic-title"]`).fill('Android containers, revisited');
    await editor.locator(`li[data-topic-id="${first}"] [data-action="rename"]`).click();
    await editor.locator(`li[data-topic-id="${second}"] [data-action="up"]`).click();
    await waitFor(async () => (await noter.locator('section[data-topic-id] h2').allTextContents()).some((t) => t.includes('Android containers, revisited')), 'the renamed heading on the notes page');
    await waitFor(async () => (await noter.locator('section[data-topic-id]').first().getAttribute('data-topic-id')) === second, 'the moved topic first on the notes page');
    await waitForNotes(noter, second, (t) => t.includes('kept through the move'), 'notes kept after the move');
  }, 120_000);
});
