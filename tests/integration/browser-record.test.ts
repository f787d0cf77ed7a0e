/**
 * The session record in the browser (issue 9): the history page (checkpoint on demand, compare,
 * restore a topic that another browser receives live, finalise with confirmation before the
 * scheduled end) and "colour by author" with names on hover. Screenshots go to test-artifacts/.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { screenshot, typeInTopic, useBrowser, waitForNotes, waitForState } from '../helpers/browser.ts';
import { api } from '../helpers/session-api.ts';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TIMEOUT_MS = 120_000;
const SESSION = 'kernel-mc';

let s: TestServer;
const browser = useBrowser();

afterEach(async () => {
  await browser.closeContexts();
  await s?.close();
});

const page = browser.page;

/** Imports a session that ends tomorrow; returns its lead link and topic ids. */
async function importSession(): Promise<{ leadLink: string; topics: string[] }> {
  const start = new Date(Date.now() - 3600_000).toISOString();
  const end = new Date(Date.now() + 86_400_000).toISOString();
  const outline = `# Kernel MC\nLeads: Lena Lead <lena@example.org>\nSchedule: ${start} / ${end}\n- Scheduler latency\n- Memory tiering\n`;
  const response = await fetch(`${s.url}/api/events/lpc2019/sessions?sessionId=${SESSION}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/markdown' },
    body: outline,
  });
  const answer = (await response.json()) as { sessions: { id: string; leadToken: string }[] };
  if (response.status !== 201) throw new Error(`import failed: ${JSON.stringify(answer)}`);
  return { leadLink: `/s/${SESSION}?token=${answer.sessions[0]!.leadToken}`, topics: s.app.meta.getSession(SESSION).topics.map((t) => t.id) };
}

describe('session record in the browser', () => {
  it(
    'the history page takes a checkpoint, compares two, restores a topic live, and asks before finalising early',
    async () => {
      s = await startServer();
      const { leadLink, topics } = await importSession();
      const topic = topics[0]!;

      const lead = await page('Lena');
      await lead.goto(`${s.url}${leadLink}`);
      await waitForState(lead, 'saved');
      await typeInTopic(lead, topic, 'Decided: keep EEVDF defaults');
      await waitForState(lead, 'saved');

      const pat = await page('Pat', { phone: true });
      await pat.goto(`${s.url}/s/${SESSION}`);
      await waitForState(pat, 'saved');

      const history = await lead.context().newPage();
      await history.goto(`${s.url}/s/${SESSION}/history`);
      expect(await history.getAttribute('[data-testid="role"]', 'data-role')).toBe('lead');
      await history.click('[data-testid="take-checkpoint"]');
      const rows = history.locator('[data-testid="checkpoints"] tr[data-checkpoint-id]');
      await waitFor(async () => (await rows.count()) === 1, 'the checkpoint listed');
      expect(await rows.first().getAttribute('data-reason')).toBe('manual');
      expect(await rows.first().textContent()).toContain('Lena');

      // Pat replaces the decision; Lena compares the checkpoint with the notes now.
      await pat.click(`section[data-topic-id="${topic}"] .cm-content`);
      await pat.keyboard.press('Control+a');
      await pat.keyboard.type('Decided: tune EEVDF per workload', { delay: 5 });
      await waitForState(pat, 'saved');
      await history.selectOption('[data-testid="diff-to"]', 'live');
      await history.click('[data-testid="compare"]');
      const diff = history.locator(`.diff-topic[data-topic-id="${topic}"]`);
      await diff.waitFor({ timeout: 10_000 }).catch(async (error: Error) => {
        throw new Error(`${error.message}; panel: ${await history.textContent('[data-testid="history-panel"]')}; error: ${await history.textContent('[data-testid="history-error"]')}`);
      });
      // Word-level chunks, as the diff API reports them.
      expect((await diff.locator('ins.diff-added').allTextContents()).join(' ')).toMatch(/tune.*per workload/);
      expect((await diff.locator('del.diff-removed').allTextContents()).join(' ')).toMatch(/keep.*defaults/);
      await screenshot(history, 'history-compare');

      // A second checkpoint: two can be compared with each other too.
      await history.click('[data-testid="take-checkpoint"]');
      await waitFor(async () => (await rows.count()) === 2, 'two checkpoints');
      const [newest, oldest] = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['checkpointId']!));
      await history.selectOption('[data-testid="diff-from"]', oldest!);
      await history.selectOption('[data-testid="diff-to"]', newest!);
      await history.click('[data-testid="compare"]');
      await waitFor(async () => (await history.locator('[data-testid="history-panel"] h2').textContent())?.startsWith('Changes from'), 'the comparison of two checkpoints');
      expect((await diff.locator('ins.diff-added').allTextContents()).join(' ')).toMatch(/tune.*per workload/);

      // Restore the topic from the first checkpoint: Pat's page receives it live.
      await rows.nth(1).locator('[data-testid="view-checkpoint"]').click();
      const snapshot = history.locator(`.snapshot-topic[data-topic-id="${topic}"]`);
      await snapshot.waitFor();
      expect(await snapshot.locator('pre').textContent()).toBe('Decided: keep EEVDF defaults');
      await snapshot.locator('[data-testid="restore-topic"]').click();
      await waitForNotes(pat, topic, (t) => t === 'Decided: keep EEVDF defaults', 'the restored notes on Pat’s page');
      await screenshot(history, 'history-restored');

      // Finalising before the scheduled end asks first.
      expect(await history.textContent('[data-testid="finalise"]')).toBe('Finalise as -00');
      await history.click('[data-testid="finalise"]');
      const dialog = history.locator('[data-testid="finalise-dialog"]');
      await dialog.waitFor({ state: 'visible' });
      expect(await dialog.textContent()).toContain('scheduled to end');
      expect((await api(s, 'GET', `/api/sessions/${SESSION}/versions`)).json.versions).toHaveLength(0);
      await screenshot(history, 'history-finalise-confirm');
      await history.click('[data-testid="confirm-finalise"]');
      await waitFor(async () => (await history.locator('[data-testid="version-link"]').count()) === 1, 'version -00 listed');
      expect(await history.textContent('[data-testid="version-link"]')).toContain('-00');
      expect(await history.textContent('[data-testid="finalise"]')).toBe('Finalise as -01');
      await history.click('[data-testid="version-link"]');
      await waitFor(async () => (await history.locator('[data-testid="history-panel"] h2').textContent())?.startsWith('Version -00'), 'version -00 shown');

      // A participant may take checkpoints and restore, but not finalise.
      const patHistory = await pat.context().newPage();
      await patHistory.goto(`${s.url}/s/${SESSION}/history`);
      await patHistory.locator('[data-testid="take-checkpoint"]').waitFor();
      expect(await patHistory.locator('[data-testid="finalise"]').count()).toBe(0);
      await screenshot(patHistory, 'history-phone');
    },
    TIMEOUT_MS,
  );

  it(
    'colour by author marks each author’s text, with the name on hover; off by default',
    async () => {
      s = await startServer();
      const { topics } = await importSession();
      const topic = topics[1]!;
      // Caret colours are picked at random from a palette: give the two different ones.
      const alice = await page('Alice');
      await alice.context().addInitScript(() => localStorage.setItem('mcpad:color', '#2e7d32'));
      await alice.goto(`${s.url}/s/${SESSION}`);
      await waitForState(alice, 'saved');
      const bob = await page('Bob');
      await bob.context().addInitScript(() => localStorage.setItem('mcpad:color', '#1565c0'));
      await bob.goto(`${s.url}/s/${SESSION}`);
      await waitForState(bob, 'saved');
      await typeInTopic(alice, topic, 'Alice wrote this. ');
      await waitForNotes(bob, topic, (t) => t.includes('Alice wrote this.'), 'Alice’s text at Bob');
      await typeInTopic(bob, topic, 'Bob added that.');
      await waitForNotes(alice, topic, (t) => t.includes('Bob added that.'), 'Bob’s text at Alice');

      const marks = alice.locator(`section[data-topic-id="${topic}"] .cm-author`);
      expect(await marks.count()).toBe(0);
      await alice.check('[data-testid="colour-by-author"]');
      await waitFor(async () => {
        const titles = await marks.evaluateAll((spans) => spans.map((span) => span.getAttribute('title')));
        return titles.includes('Alice') && titles.includes('Bob');
      }, 'both authors marked');
      const bobMark = alice.locator(`section[data-topic-id="${topic}"] .cm-author[title="Bob"]`).first();
      expect(await bobMark.textContent()).toContain('Bob added');
      const colours = await marks.evaluateAll((spans) => new Set(spans.map((span) => getComputedStyle(span).borderBottomColor)).size);
      expect(colours).toBe(2);
      await bobMark.hover();
      await screenshot(alice, 'authorship-colours');

      await alice.uncheck('[data-testid="colour-by-author"]');
      await waitFor(async () => (await marks.count()) === 0, 'marks removed');
    },
    TIMEOUT_MS,
  );
});
