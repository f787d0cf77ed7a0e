/**
 * The browser client end to end (issue 3): Debian's Chromium against the real server on port 0.
 * Screenshots of the session page (desktop and phone width) go to test-artifacts/.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectionState,
  notesText,
  remoteCaretNames,
  screenshot,
  typeInTopic,
  useBrowser,
  waitForNotes,
  waitForServiceWorker,
  waitForState,
} from '../helpers/browser.ts';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitFor, within } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TIMEOUT_MS = 120_000;

const browser = useBrowser();
let servers: TestServer[] = [];

afterEach(async () => {
  await browser.closeContexts();
  destroyAllClients();
  for (const s of servers) await s.close();
  servers = [];
});

async function server(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const started = await startServer(overrides);
  servers.push(started);
  return started;
}

const context = browser.context;

describe('browser client', () => {
  it(
    'two note-takers see each other’s text, carets and action items; reload keeps the text; the read-only view is live',
    async () => {
      const s = await server();
      const topics = s.app.meta.getSession(SESSION).topics;
      const topic = topics[1]!.id;

      // Alice goes through the name prompt; Bob (phone width) has chosen his name before.
      const alice = await (await context(null)).newPage();
      await alice.goto(`${s.url}/s/${SESSION}`);
      await alice.locator('#name-input').waitFor();
      await screenshot(alice, 'name-prompt');
      await alice.fill('#name-input', 'Alice');
      await alice.press('#name-input', 'Enter');
      const bob = await (await context('Bob', { phone: true })).newPage();
      await bob.goto(`${s.url}/s/${SESSION}`);
      await Promise.all([waitForState(alice, 'saved'), waitForState(bob, 'saved')]);
      await screenshot(bob, 'session-phone-top');
      expect(await alice.title()).toContain('Containers and Checkpoint/Restore');
      expect(await alice.locator('section.topic h2').allTextContents()).toEqual(topics.map((t, i) => `${i + 1}. ${t.title}`));

      await typeInTopic(alice, topic, 'Alice: CRIU needs cgroup v2 support');
      await typeInTopic(bob, topic, '\nBob: agreed, patches next week');
      await waitForNotes(alice, topic, (t) => t.includes('Alice: CRIU') && t.includes('Bob: agreed'), 'Alice to see both lines');
      await waitForNotes(bob, topic, (t) => t.includes('Alice: CRIU') && t.includes('Bob: agreed'), 'Bob to see both lines');
      await waitFor(async () => (await remoteCaretNames(alice, topic)).includes('Bob'), 'Bob’s caret on Alice’s page');
      await waitFor(async () => (await remoteCaretNames(bob, topic)).includes('Alice'), 'Alice’s caret on Bob’s page');
      await waitFor(async () => (await alice.locator('.presence-list').textContent())?.includes('Bob'), 'Bob in Alice’s presence list');

      // Action items: Alice adds one, Bob ticks it done.
      const aliceActions = alice.locator(`section[data-topic-id="${topic}"] .action-items`);
      await aliceActions.locator('input[name="action"]').fill('Send the cgroup v2 patches to the list');
      await aliceActions.locator('button[type="submit"]').click();
      const bobItem = bob.locator(`section[data-topic-id="${topic}"] li.action`);
      await bobItem.locator('input.action-text').waitFor();
      expect(await bobItem.locator('input.action-text').inputValue()).toBe('Send the cgroup v2 patches to the list');
      await bobItem.locator('input[type="checkbox"]').check();
      await waitFor(() => aliceActions.locator('li.action input[type="checkbox"]').isChecked(), 'the item ticked on Alice’s page');
      await bobItem.locator('input.action-text').fill('Send the cgroup v2 patches to lkml');
      await bobItem.locator('input.action-text').press('Enter');
      await waitFor(async () => (await aliceActions.locator('li.action input.action-text').inputValue()) === 'Send the cgroup v2 patches to lkml', 'the edited text on Alice’s page');
      await Promise.all([waitForState(alice, 'saved'), waitForState(bob, 'saved')]);
      expect(await alice.locator('[data-testid="unsaved"]').textContent()).toBe('');

      await bob.locator(`section[data-topic-id="${topic}"]`).scrollIntoViewIfNeeded();
      await screenshot(alice, 'session-desktop');
      await screenshot(bob, 'session-phone');

      // Jump to a topic from the phone's sticky bar, by keyboard: focus lands in its notes.
      const target = topics[6]!;
      await bob.locator('.toolbar-jump').click();
      await bob.getByRole('link', { name: target.title }).focus();
      await bob.keyboard.press('Enter');
      await waitFor(() => bob.evaluate(() => (document.activeElement?.closest('section.topic') as HTMLElement | null)?.dataset['topicId']), 'focus in a topic').then((id) => expect(id).toBe(target.id));
      await bob.keyboard.type('typed after jumping');
      await waitForNotes(alice, target.id, (t) => t === 'typed after jumping', 'the jumped-to topic to get the text');
      await screenshot(bob, 'session-phone-jumped');

      // A reload shows the text (IndexedDB first, then the server).
      await bob.reload();
      await waitForState(bob, 'saved');
      await waitForNotes(bob, topic, (t) => t.includes('Alice: CRIU') && t.includes('Bob: agreed'), 'text after reload');

      // The read-only view in a fresh browser (nothing local): live notes, no editing UI.
      const reader = await (await context(null)).newPage();
      await reader.goto(`${s.url}/s/${SESSION}?view=read`);
      await waitForNotes(reader, topic, (t) => t.includes('Bob: agreed'), 'reader to get the notes from the server');
      expect(await reader.locator('.cm-content[contenteditable="true"]').count()).toBe(0);
      // Only the view toggles (follow the discussion, colour by author) take input in read-only mode
      // (in the page: the site-wide search bar above it is not the session's).
      expect(await reader.locator('#app').locator('form, button, input:not(.view-toggle)').count()).toBe(0);
      expect(await reader.locator('#name-input').count()).toBe(0);
      await typeInTopic(alice, topic, '\nAlice: live for readers');
      await waitForNotes(reader, topic, (t) => t.includes('live for readers'), 'reader to see a live edit');
      await reader.locator(`section[data-topic-id="${topic}"]`).scrollIntoViewIfNeeded();
      await screenshot(reader, 'session-read-only');
    },
    TIMEOUT_MS,
  );

  it(
    'edits made offline survive a reload while offline and merge with concurrent edits on reconnect',
    async () => {
      const first = await server();
      const topic = first.app.meta.getSession(SESSION).topics[0]!.id;
      const aliceContext = await context('Alice');
      const alice = await aliceContext.newPage();
      const aliceLog: string[] = [];
      alice.on('console', (message) => aliceLog.push(`${message.type()}: ${message.text()}`));
      aliceContext.on('serviceworker', (worker) => aliceLog.push(`service worker ${worker.url()}`));
      const bob = await (await context('Bob')).newPage();
      await alice.goto(`${first.url}/s/${SESSION}`);
      await bob.goto(`${first.url}/s/${SESSION}`);
      await Promise.all([waitForState(alice, 'saved'), waitForState(bob, 'saved')]);
      await typeInTopic(alice, topic, 'before the outage');
      await waitForNotes(bob, topic, (t) => t.includes('before the outage'), 'Bob to see the first line');
      await waitForState(alice, 'saved');
      // The service worker must hold the app shell before the network goes away.
      await waitForServiceWorker(alice).catch((error: Error) => {
        throw new Error(`${error.message}\nconsole:\n${aliceLog.join('\n')}`);
      });

      // Alice's Wi-Fi drops. Chromium's offline emulation blocks new requests and WebSockets but
      // does not close a socket that is already open, so the server also goes away for a while
      // (stopped, later restarted on the same port and data dir): Alice's socket closes, and her
      // reconnects keep failing while she is offline, even once the server is back.
      await aliceContext.setOffline(true);
      await within(first.stop(), 'the server to stop');
      servers = servers.filter((x) => x !== first);
      await waitForState(alice, 'offline');
      const offlineLine = '\nAlice offline: kept on this device';
      await typeInTopic(alice, topic, offlineLine);
      // One keystroke, one change: the count is exact, not a guess.
      const unsavedText = `${offlineLine.length} changes not yet saved on the server`;
      await waitFor(async () => (await alice.locator('[data-testid="unsaved"]').textContent()) === unsavedText, 'the unsaved count');
      const leavingIsStopped = (): Promise<boolean> =>
        alice.evaluate(() => {
          const event = new Event('beforeunload', { cancelable: true });
          window.dispatchEvent(event);
          return event.defaultPrevented;
        });
      expect(await leavingIsStopped()).toBe(true);

      // Reload with no server at all: the page comes from the service worker, the notes from IndexedDB.
      await within(alice.reload(), 'the offline reload');
      await waitForNotes(alice, topic, (t) => t.includes('before the outage') && t.includes('Alice offline: kept on this device'), 'offline text after an offline reload');
      await waitForState(alice, 'offline');
      expect(await alice.locator('[data-testid="unsaved"]').textContent()).toBe(unsavedText);
      expect(await alice.title()).toContain('Containers and Checkpoint/Restore');
      await screenshot(alice, 'session-offline');

      // The server is back; Bob reconnects and writes while Alice is still offline.
      const second = await server({ port: first.port, dataDir: first.dataDir });
      await waitForState(bob, 'saved');
      await typeInTopic(bob, topic, '\nBob online meanwhile');
      await waitForState(bob, 'saved');
      expect(await connectionState(alice)).toBe('offline');
      expect(await notesText(alice, topic)).not.toContain('Bob online meanwhile');

      // Back online: both edits everywhere, and Alice's page says everything is saved.
      await aliceContext.setOffline(false);
      await waitForState(alice, 'saved', 30_000);
      const both = (t: string): boolean => t.includes('before the outage') && t.includes('Alice offline: kept on this device') && t.includes('Bob online meanwhile');
      await waitForNotes(alice, topic, both, 'Alice to converge');
      await waitForNotes(bob, topic, both, 'Bob to converge');
      expect(await notesText(alice, topic)).toBe(await notesText(bob, topic));
      const probe = connectClient(second.collabUrl, SESSION);
      await probe.synced();
      await waitFor(() => both(probe.notes(topic).toString()), 'the server to hold both edits');
      expect(await alice.locator('[data-testid="unsaved"]').textContent()).toBe('');
      expect(await leavingIsStopped()).toBe(false);
    },
    TIMEOUT_MS,
  );

  it(
    'shows empty states for an unknown session and a session without topics, and lists sessions with who is online',
    async () => {
      const s = await server();
      const imported = await fetch(`${s.url}/api/events/lpc2019/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.config.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'empty-mc', title: 'Empty MC', topics: [] }),
      });
      expect(imported.status).toBeLessThan(300);
      const page = await (await context('Carol')).newPage();
      await page.goto(`${s.url}/s/no-such-session`);
      await page.getByTestId('unknown-session').waitFor();
      expect(await page.title()).toContain('Unknown session');
      await screenshot(page, 'unknown-session');

      await page.goto(`${s.url}/s/${SESSION}?view=read`);
      await page.locator('section.topic .cm-content').first().waitFor();
      expect(await page.locator('#app').locator('.cm-content[contenteditable="true"], form, button').count()).toBe(0);
      expect(await page.title()).toContain('(read-only)');

      await page.goto(`${s.url}/s/empty-mc`);
      await page.getByText('This session has no topics').waitFor();

      const watcher = await (await context('Dave')).newPage();
      await watcher.goto(`${s.url}/s/${SESSION}`);
      await waitForState(watcher, 'saved');
      await page.goto(`${s.url}/`);
      const card = page.locator(`li[data-session-id="${SESSION}"]`);
      await waitFor(async () => (await card.getByTestId('online').textContent()) === '1 person here now', 'the online count');
      expect(await page.title()).toBe('Sessions · mcpad');
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.svg');
      await screenshot(page, 'event-page');
    },
    TIMEOUT_MS,
  );
  it(
    'a long paste reaches the page compressed: Chromium negotiates permessage-deflate and shows the text',
    async () => {
      const s = await server();
      const topic = s.app.meta.getSession(SESSION).topics[2]!.id;
      const page = await (await context('Carol')).newPage();
      // The handshake as Chromium saw it: the extension the server accepted.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      const extensions: string[] = [];
      cdp.on('Network.webSocketHandshakeResponseReceived', (event: { response: { headers: Record<string, string> } }) => {
        const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
        extensions.push(headers['sec-websocket-extensions'] ?? '');
      });
      await page.goto(`${s.url}/s/${SESSION}`);
      await waitForState(page, 'saved');
      expect(extensions.some((e) => e.includes('permessage-deflate') && e.includes('server_no_context_takeover'))).toBe(true);

      // Over WS_COMPRESSION_MIN_BYTES: relayed as one compressed frame.
      const writer = connectClient(s.collabUrl, SESSION);
      await writer.synced();
      const paste = 'Time namespaces: CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets per container. '.repeat(60);
      writer.notes(topic).insert(0, paste);
      await waitForNotes(page, topic, (t) => t === paste, 'the paste on the page');
    },
    TIMEOUT_MS,
  );
});
