// Over ~350 lines: two end-to-end Chromium journeys through every UI action, with their shared page helpers.
/**
 * Issue #13: our own browser client never produces an update the schema guard refuses. Every UI
 * action the session page and the history page offer is performed in Chromium with real clicks
 * and typing, by a participant and a lead with both pages open, online and offline (with an
 * offline reload that replays the change journal). Then: no `mcpad_updates_refused_total` sample
 * above 0, no page socket closed with a 4xxx code (each page records its sockets' close events),
 * and both pages and the server's JSON export hold the same notes and action items.
 * Screenshots go to test-artifacts/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { notesText, screenshot, typeInTopic, useBrowser, waitForNotes, waitForServiceWorker, waitForState } from '../helpers/browser.ts';
import { sessionLink } from '../helpers/session-api.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor, within } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TIMEOUT_MS = 90_000;
/** Longer than Y.UndoManager's captureTimeout (500 ms), so the next edit is its own undo step. */
const UNDO_GROUP_GAP_MS = 600;

let s: TestServer | undefined;
const browser = useBrowser();
/** Every instrumented page of the running test (for the failure report). */
let pages: Page[] = [];

afterEach(async () => {
  pages = [];
  await browser.closeContexts();
  await s?.close();
  s = undefined;
});

interface SocketClose {
  url: string;
  code: number;
  reason: string;
}

/**
 * Runs in every page of a context before the client's code: wraps `WebSocket` (the client's
 * tracked socket and y-websocket extend the global one) so each socket's close event is kept in
 * `window.__mcpadCloses`, and open sockets can be closed from the test (a dropped connection).
 */
function recordSockets(): void {
  const Native = window.WebSocket;
  const w = window as unknown as { __mcpadCloses: SocketClose[]; __mcpadSockets: WebSocket[] };
  w.__mcpadCloses = [];
  w.__mcpadSockets = [];
  class RecordedWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      w.__mcpadSockets.push(this);
      this.addEventListener('close', (event) => w.__mcpadCloses.push({ url: String(url), code: event.code, reason: event.reason }));
    }
  }
  window.WebSocket = RecordedWebSocket;
}

async function instrumentedContext(name: string, options: { phone?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.context(name, options);
  await context.addInitScript(recordSockets);
  context.on('page', (page) => pages.push(page));
  return context;
}

const closesOf = (page: Page): Promise<SocketClose[]> => page.evaluate(() => (window as unknown as { __mcpadCloses: SocketClose[] }).__mcpadCloses);
const socketUrls = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __mcpadSockets: WebSocket[] }).__mcpadSockets.map((socket) => socket.url));

/** Drops the page's open connections from the browser side, as a lost network would. */
function dropSockets(page: Page): Promise<number> {
  return page.evaluate(() => {
    const open = (window as unknown as { __mcpadSockets: WebSocket[] }).__mcpadSockets.filter((socket) => socket.readyState === WebSocket.OPEN);
    for (const socket of open) socket.close();
    return open.length;
  });
}

const topicSection = (page: Page, topicId: string) => page.locator(`section[data-topic-id="${topicId}"]`);
const editorOf = (page: Page, topicId: string) => topicSection(page, topicId).locator('.cm-content');

async function refusedSamples(server: TestServer): Promise<string[]> {
  const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).text();
  // The counter exists (a renamed metric would make the check vacuous).
  expect(metrics).toContain('# TYPE mcpad_updates_refused_total counter');
  return metrics.split('\n').filter((line) => line.startsWith('mcpad_updates_refused_total') && Number(line.split(' ').pop()) > 0);
}

/**
 * Runs a test body; when it fails (typically a wait for an edit that never arrives, because the
 * sender was closed), the error says which updates were refused and which pages saw 4xxx closes.
 */
async function reportingRefusals(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const closes = [];
    for (const page of pages) closes.push(...(await closesOf(page).catch(() => [])).filter((close) => close.code >= 4000));
    const samples = s ? await refusedSamples(s).catch(() => []) : [];
    if (closes.length > 0 || samples.length > 0) (error as Error).message += `\nrefused updates: ${JSON.stringify(samples)}; 4xxx closes: ${JSON.stringify(closes)}`;
    throw error;
  }
}

/** No socket of this page load was closed with a 4xxx code (a 4400 is a schema refusal). */
async function expectNoRefusedCloses(page: Page): Promise<void> {
  expect((await closesOf(page)).filter((close) => close.code >= 4000)).toEqual([]);
}

/** Adds an action item through the topic's form; returns its id once the row shows. */
async function addItemInUi(page: Page, topicId: string, text: string): Promise<string> {
  const actions = topicSection(page, topicId).locator('.action-items');
  const before = await actions.locator('li.action').count();
  await actions.locator('input[name="action"]').fill(text);
  await actions.locator('button[type="submit"]').click();
  await waitFor(async () => (await actions.locator('li.action').count()) === before + 1, `the item "${text}" listed`);
  return (await actions.locator('li.action').last().getAttribute('data-item-id'))!;
}

const itemRow = (page: Page, itemId: string) => page.locator(`li.action[data-item-id="${itemId}"]`);

/** Types a new text into an item's field (selecting the old one first) and commits it with Enter. */
async function editItemText(page: Page, itemId: string, text: string): Promise<void> {
  const input = itemRow(page, itemId).locator('input.action-text');
  await input.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type(text, { delay: 2 });
  await page.keyboard.press('Enter');
}

interface TopicContent {
  notes: string;
  actions: Array<{ id: string; text: string; done: boolean }>;
}

async function serverTopics(server: TestServer): Promise<Record<string, TopicContent>> {
  const response = await fetch(`${server.url}/api/sessions/${SESSION}/export?format=json`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { sessions: Array<{ topics: Array<{ id: string; notes: string; actions: TopicContent['actions'] }> }> };
  return Object.fromEntries(body.sessions[0]!.topics.map((t) => [t.id, { notes: t.notes, actions: t.actions.map(({ id, text, done }) => ({ id, text, done })) }]));
}

async function pageTopics(page: Page, topicIds: readonly string[]): Promise<Record<string, TopicContent>> {
  const result: Record<string, TopicContent> = {};
  for (const id of topicIds) {
    const actions = await topicSection(page, id)
      .locator('li.action')
      .evaluateAll((rows) =>
        rows.map((row) => ({
          id: (row as HTMLElement).dataset['itemId'] ?? '',
          text: (row.querySelector('input.action-text') as HTMLInputElement).value,
          done: (row.querySelector('input[type="checkbox"]') as HTMLInputElement).checked,
        })),
      );
    result[id] = { notes: await notesText(page, id), actions };
  }
  return result;
}

/**
 * The acceptance check: nothing refused by the server (metric) or seen refused by a page
 * (close codes), and every page shows exactly what the server stores for every topic.
 */
async function expectAcceptedAndConverged(server: TestServer, pagesToCheck: readonly Page[], topicIds: readonly string[]): Promise<Record<string, TopicContent>> {
  expect(await refusedSamples(server)).toEqual([]);
  for (const page of pagesToCheck) {
    // Every page had its notes and state sockets recorded: the instrumentation saw the client's sockets.
    const urls = await socketUrls(page);
    if (!page.url().includes('/history')) expect(urls.some((url) => url.includes(`/collab/${SESSION}`))).toBe(true);
    await expectNoRefusedCloses(page);
  }
  const stored = await serverTopics(server);
  const expected = Object.fromEntries(topicIds.map((id) => [id, stored[id]!]));
  for (const page of pagesToCheck) {
    if (page.url().includes('/history')) continue;
    let shown: Record<string, TopicContent> = {};
    try {
      await waitFor(async () => JSON.stringify((shown = await pageTopics(page, topicIds))) === JSON.stringify(expected), 'the page to show what the server stores');
    } catch (error) {
      expect(shown, `${(error as Error).message} (${page.url()}, ${await page.evaluate(() => localStorage.getItem('mcpad:name'))})`).toEqual(expected);
    }
  }
  return expected;
}

describe('the browser client and the schema guard (issue #13)', () => {
  it(
    'every online UI action of a participant and a lead (notes, undo/redo, paste, action items, lead controls, history) is accepted',
    () =>
      reportingRefusals(async () => {
        s = await startServer();
        const topics = s.app.meta.getSession(SESSION).topics.map((t) => t.id);
        const [typed, pasted, leadTopic, jumped, discussed] = [topics[1]!, topics[2]!, topics[3]!, topics[6]!, topics[5]!];
        const leadContext = await instrumentedContext('Lena');
        const lead = await leadContext.newPage();
        await lead.goto(`${s.url}${await sessionLink(s, SESSION, 'lead')}`);
        const pat = await (await instrumentedContext('Pat')).newPage();
        await pat.goto(`${s.url}/s/${SESSION}`);
        await Promise.all([waitForState(lead, 'saved'), waitForState(pat, 'saved')]);
        expect(await lead.getAttribute('[data-testid="role"]', 'data-role')).toBe('lead');

        // Typing, undo and redo of typed text.
        await typeInTopic(pat, typed, 'Pat: CRIU needs cgroup v2 support');
        await pat.waitForTimeout(UNDO_GROUP_GAP_MS);
        await pat.keyboard.type(' DRAFT', { delay: 5 });
        await waitForNotes(pat, typed, (t) => t.endsWith('support DRAFT'), 'the draft word');
        await pat.keyboard.press('Control+z');
        await waitForNotes(pat, typed, (t) => t === 'Pat: CRIU needs cgroup v2 support', 'undo of typed text');
        await pat.keyboard.press('Control+y');
        await waitForNotes(pat, typed, (t) => t.endsWith('support DRAFT'), 'redo (Ctrl-Y)');
        await pat.keyboard.press('Control+z');
        await waitForNotes(pat, typed, (t) => t === 'Pat: CRIU needs cgroup v2 support', 'undo again');
        // Selecting and deleting, undo of the deletion, redo (Ctrl-Shift-Z) and undo again.
        await pat.waitForTimeout(UNDO_GROUP_GAP_MS);
        await pat.keyboard.press('Control+Shift+ArrowLeft');
        await pat.keyboard.press('Backspace');
        await waitForNotes(pat, typed, (t) => t === 'Pat: CRIU needs cgroup v2 ', 'the selected word deleted');
        await pat.keyboard.press('Control+z');
        await waitForNotes(pat, typed, (t) => t === 'Pat: CRIU needs cgroup v2 support', 'undo of the deletion');
        // KeyZ: with Shift held Playwright then sends key "Z", as a real keyboard does ("z" would be undo).
        await pat.keyboard.press('Control+Shift+KeyZ');
        await waitForNotes(pat, typed, (t) => t === 'Pat: CRIU needs cgroup v2 ', 'redo of the deletion');
        await pat.keyboard.press('Control+z');
        await pat.keyboard.press('Home');
        await pat.keyboard.press('Shift+End');
        await pat.keyboard.press('Delete');
        await pat.keyboard.type('Pat: CRIU needs cgroup v2 support (retyped)', { delay: 2 });
        await waitForNotes(lead, typed, (t) => t === 'Pat: CRIU needs cgroup v2 support (retyped)', 'the retyped line on the lead’s page');

        // Pasting a multi-line Markdown block (the real clipboard, Ctrl-V).
        const block = '## Decisions\n\n- shiftfs: post **v3** to fsdevel\n- time namespaces: `CLOCK_BOOTTIME` offsets\n\n> ask Christian about pidfd_open\n';
        await pat.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
        await editorOf(pat, pasted).click();
        await pat.evaluate((text) => navigator.clipboard.writeText(text), block);
        await pat.keyboard.press('Control+v');
        await waitForNotes(lead, pasted, (t) => t === block, 'the pasted block on the lead’s page');
        // Select all of a topic's notes and replace them; then undo the replacement.
        await pat.waitForTimeout(UNDO_GROUP_GAP_MS);
        await pat.keyboard.press('Control+a');
        await pat.keyboard.type('replaced', { delay: 5 });
        await waitForNotes(pat, pasted, (t) => t === 'replaced', 'select-all replaced');
        await pat.keyboard.press('Control+z');
        await waitForNotes(pat, pasted, (t) => t === block, 'undo of the replacement');

        // The lead types in another topic at the same time as Pat keeps typing in his.
        await Promise.all([typeInTopic(lead, leadTopic, 'Lena: shiftfs goes to fsdevel first'), typeInTopic(pat, typed, '\nPat: and a second line')]);

        // Action items: add, edit the text, tick and untick. They have no Yjs undo (the editor's undo
        // manager covers the notes only); the text field is a plain input, edited word-wise here.
        const item = await addItemInUi(pat, typed, 'Send the cgroup v2 patches');
        await itemRow(lead, item).waitFor({ timeout: 10_000 });
        const input = itemRow(pat, item).locator('input.action-text');
        await input.click();
        await pat.keyboard.press('End');
        await pat.keyboard.type(' today', { delay: 2 });
        await pat.keyboard.press('Control+Backspace');
        await pat.keyboard.type('to lkml', { delay: 2 });
        await pat.keyboard.press('Enter');
        await waitFor(async () => (await itemRow(lead, item).locator('input.action-text').inputValue()) === 'Send the cgroup v2 patches to lkml', 'the edited text on the lead’s page');
        await itemRow(pat, item).locator('input[type="checkbox"]').check();
        await waitFor(() => itemRow(lead, item).locator('input[type="checkbox"]').isChecked(), 'ticked on the lead’s page');
        await itemRow(lead, item).locator('input[type="checkbox"]').uncheck();
        await waitFor(async () => !(await itemRow(pat, item).locator('input[type="checkbox"]').isChecked()), 'unticked on Pat’s page');
        const leadItem = await addItemInUi(lead, leadTopic, 'Ask Seth about the shiftfs xattrs');
        await editItemText(lead, leadItem, 'Ask Seth about shiftfs xattrs and idmapped mounts');
        await itemRow(pat, leadItem).locator('input[type="checkbox"]').check();
        await waitFor(() => itemRow(lead, leadItem).locator('input[type="checkbox"]').isChecked(), 'the lead’s item ticked by Pat');
        // The lead's caret is still in that item's text field (committed with Enter): Pat's later
        // edit of the same text must show there too, or the page keeps showing a text the doc lost.
        await editItemText(pat, leadItem, 'Ask Seth about idmapped mounts');
        const leadItemText = itemRow(lead, leadItem).locator('input.action-text');
        expect(await leadItemText.evaluate((input) => document.activeElement === input)).toBe(true);
        await waitFor(async () => (await leadItemText.inputValue()) === 'Ask Seth about idmapped mounts', 'Pat’s edit in the lead’s focused item field').catch(async (error: Error) => {
          throw new Error(`${error.message}; it shows ${JSON.stringify(await leadItemText.inputValue())}`);
        });

        // Lead controls: assign, discussing now / stop, colour by author, follow, jump to topic.
        const row = itemRow(lead, item);
        await row.locator('details.assign summary').click();
        await row.locator('input[name="assignee"]').fill('Carol');
        await row.locator('input[name="email"]').fill('carol@example.org');
        await row.locator('input[name="due"]').fill('2026-12-15');
        await row.locator('select[name="status"]').selectOption('in-progress');
        await row.locator('button[type="submit"]').click();
        await waitFor(async () => (await itemRow(pat, item).locator('[data-testid="followup"]').textContent())?.includes('Carol'), 'the assignment on Pat’s page');
        await pat.check('[data-testid="follow"]');
        await topicSection(lead, discussed).locator('[data-testid="discuss"]').click();
        await waitFor(async () => (await topicSection(pat, discussed).getAttribute('class'))?.includes('is-discussing'), 'the discussed topic on Pat’s page');
        await screenshot(pat, 'schema-follow-discussing');
        await topicSection(lead, discussed).locator('[data-testid="discuss"]').click();
        await waitFor(async () => (await pat.locator('section.is-discussing').count()) === 0, 'stop discussing on Pat’s page');
        await pat.uncheck('[data-testid="follow"]');
        await lead.check('[data-testid="colour-by-author"]');
        await waitFor(async () => (await topicSection(lead, typed).locator('.cm-author').count()) > 0, 'authors coloured');
        await typeInTopic(lead, typed, ' (Lena, coloured)');
        await screenshot(lead, 'schema-colour-by-author');
        await lead.uncheck('[data-testid="colour-by-author"]');
        const jumpTitle = (await topicSection(lead, jumped).locator('h2').textContent())!.replace(/^\d+\.\s*/, '');
        await lead.locator('nav.jump a', { hasText: jumpTitle }).click();
        await waitFor(() => lead.evaluate(() => (document.activeElement?.closest('section.topic') as HTMLElement | null)?.dataset['topicId']), 'focus in the jumped-to topic').then((id) => expect(id).toBe(jumped));
        await lead.keyboard.type('typed after jumping', { delay: 2 });
        await waitForNotes(pat, jumped, (t) => t === 'typed after jumping', 'the jumped-to topic’s text on Pat’s page');

        // The history page (the session pages stay open): checkpoint, compare, view, restore a topic.
        const history = await leadContext.newPage();
        await history.goto(`${s.url}/s/${SESSION}/history`);
        await history.click('[data-testid="take-checkpoint"]');
        const rows = history.locator('[data-testid="checkpoints"] tr[data-checkpoint-id]');
        await waitFor(async () => (await rows.count()) === 1, 'the checkpoint listed');
        const checkpointed = await notesText(pat, typed);
        await typeInTopic(pat, typed, '\nPat: written after the checkpoint');
        await waitForState(pat, 'saved');
        await history.selectOption('[data-testid="diff-to"]', 'live');
        await history.click('[data-testid="compare"]');
        await history.locator(`.diff-topic[data-topic-id="${typed}"]`).waitFor({ timeout: 10_000 });
        await rows.first().locator('[data-testid="view-checkpoint"]').click();
        const snapshot = history.locator(`.snapshot-topic[data-topic-id="${typed}"]`);
        await snapshot.waitFor({ timeout: 10_000 });
        await snapshot.locator('[data-testid="restore-topic"]').click();
        await waitForNotes(pat, typed, (t) => t === checkpointed, 'the restored notes on Pat’s page');
        await waitForNotes(lead, typed, (t) => t === checkpointed, 'the restored notes on the lead’s page');
        await screenshot(history, 'schema-history-restored');
        // Typing and undo right after a server edit of the same text.
        await typeInTopic(pat, typed, ' after restore');
        await waitForNotes(pat, typed, (t) => t === `${checkpointed} after restore`, 'typed after the restore');
        await pat.keyboard.press('Control+z');
        await waitForNotes(pat, typed, (t) => t === checkpointed, 'undo after the restore');
        await pat.keyboard.press('Control+z');
        await Promise.all([waitForState(lead, 'saved'), waitForState(pat, 'saved')]);

        const final = await expectAcceptedAndConverged(s, [lead, pat, history], topics);
        expect(final[typed]!.notes).toContain('Pat: CRIU needs cgroup v2 support (retyped)');
        expect(final[pasted]!.notes).toBe(block);
        expect(final[leadTopic]!.notes).toBe('Lena: shiftfs goes to fsdevel first');
        expect(final[jumped]!.notes).toBe('typed after jumping');
        expect(final[typed]!.actions).toEqual([{ id: item, text: 'Send the cgroup v2 patches to lkml', done: false }]);
        expect(final[leadTopic]!.actions).toEqual([{ id: leadItem, text: 'Ask Seth about idmapped mounts', done: true }]);
        await screenshot(pat, 'schema-participant-final');
      }),
    TIMEOUT_MS,
  );

  it(
    'offline edits (notes, undo, new and edited action items), an offline reload replaying them, and the resync are accepted',
    () =>
      reportingRefusals(async () => {
        s = await startServer();
        const topics = s.app.meta.getSession(SESSION).topics.map((t) => t.id);
        const topic = topics[0]!;
        const patContext = await instrumentedContext('Pat');
        const pat = await patContext.newPage();
        const lead = await (await instrumentedContext('Lena', { phone: true })).newPage();
        await pat.goto(`${s.url}/s/${SESSION}`);
        await lead.goto(`${s.url}${await sessionLink(s, SESSION, 'lead')}`);
        await Promise.all([waitForState(pat, 'saved'), waitForState(lead, 'saved')]);
        await typeInTopic(pat, topic, 'Pat online: first line');
        const known = await addItemInUi(pat, topic, 'Write the CRIU blog post');
        await itemRow(lead, known).waitFor({ timeout: 10_000 });
        await waitForState(pat, 'saved');
        // The service worker must hold the app shell before the network goes away (offline reload).
        await waitForServiceWorker(pat);

        // The network drops: Chromium's offline mode blocks new connections, the open ones are closed
        // from the page (offline emulation leaves them open), and reconnecting fails until it is back.
        await patContext.setOffline(true);
        expect(await dropSockets(pat)).toBeGreaterThan(0);
        await waitForState(pat, 'offline');

        // Offline: replace server-known text, type, delete a word, undo, add and edit action items.
        await editorOf(pat, topic).click();
        await pat.keyboard.press('Control+Home');
        await pat.keyboard.press('Shift+End');
        await pat.keyboard.type('Pat online: first line (edited offline)', { delay: 2 });
        await pat.keyboard.press('Control+End');
        await pat.keyboard.type('\nPat offline: kept on this device', { delay: 2 });
        await pat.keyboard.press('Control+Backspace');
        await pat.keyboard.type('laptop', { delay: 2 });
        await pat.waitForTimeout(UNDO_GROUP_GAP_MS);
        await pat.keyboard.type(' TEMP', { delay: 2 });
        await pat.keyboard.press('Control+z');
        await waitForNotes(pat, topic, (t) => t === 'Pat online: first line (edited offline)\nPat offline: kept on this laptop', 'the offline notes');
        const offlineItem = await addItemInUi(pat, topic, 'Ask about rseq');
        await editItemText(pat, offlineItem, 'Ask Mathieu about rseq migration');
        await itemRow(pat, offlineItem).locator('input[type="checkbox"]').check();
        await editItemText(pat, known, 'Write the CRIU blog post (offline)');
        await itemRow(pat, known).locator('input[type="checkbox"]').check();
        await itemRow(pat, known).locator('input[type="checkbox"]').uncheck();
        await itemRow(pat, known).locator('input[type="checkbox"]').check();
        // Meanwhile the lead, online, writes in the same topic and edits the same item.
        await typeInTopic(lead, topic, '\nLena online: meanwhile');
        await editItemText(lead, known, 'Write the CRIU blog post (Lena)');
        await waitForState(lead, 'saved');
        await expectNoRefusedCloses(pat);
        await screenshot(pat, 'schema-offline');

        // Reload while offline: the page comes from the service worker, the doc from IndexedDB and
        // the change journal, and the unconfirmed changes are still counted.
        await within(pat.reload(), 'the offline reload');
        await waitForState(pat, 'offline');
        await waitForNotes(pat, topic, (t) => t.includes('Pat offline: kept on this laptop'), 'the offline notes after the reload');
        expect(await pat.locator('[data-testid="unsaved"]').textContent()).toMatch(/^[1-9]\d* changes? not yet saved/);
        await typeInTopic(pat, topic, '\nafter the offline reload');
        await itemRow(pat, offlineItem).locator('input[type="checkbox"]').uncheck();
        const reloadItem = await addItemInUi(pat, topic, 'Added after the offline reload');

        // Back online: the client's resync carries everything it did offline.
        await patContext.setOffline(false);
        await waitForState(pat, 'saved', 30_000);
        await waitForState(lead, 'saved');
        expect(await pat.locator('[data-testid="unsaved"]').textContent()).toBe('');
        const final = await expectAcceptedAndConverged(s, [pat, lead], topics);
        for (const line of ['Pat online: first line (edited offline)', 'Pat offline: kept on this laptop', 'Lena online: meanwhile', 'after the offline reload']) {
          expect(final[topic]!.notes).toContain(line);
        }
        expect(final[topic]!.notes).not.toContain('TEMP');
        const items = Object.fromEntries(final[topic]!.actions.map((a) => [a.id, a]));
        expect(Object.keys(items).sort()).toEqual([known, offlineItem, reloadItem].sort());
        expect(items[offlineItem]).toEqual({ id: offlineItem, text: 'Ask Mathieu about rseq migration', done: false });
        expect(items[reloadItem]).toEqual({ id: reloadItem, text: 'Added after the offline reload', done: false });
        // Concurrent edits of one item's text: Yjs keeps one of the two, the same everywhere.
        expect(['Write the CRIU blog post (offline)', 'Write the CRIU blog post (Lena)']).toContain(items[known]!.text);
        expect(items[known]!.done).toBe(true);
        await screenshot(pat, 'schema-after-resync');
      }),
    TIMEOUT_MS,
  );
});
