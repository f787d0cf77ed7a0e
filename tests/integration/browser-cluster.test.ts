/**
 * Cluster mode in the browser (issue #8): two note-takers whose pages were served by two different
 * instances (as a load balancer would) sharing a real redis-server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, typeInTopic, useBrowser, waitForNotes, waitForState } from '../helpers/browser.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
const TIMEOUT_MS = 120_000;

const browser = useBrowser();
let redis: TestRedis;
let servers: TestServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});
afterEach(async () => {
  await browser.closeContexts();
  for (const s of servers) await s.close();
  servers = [];
});

async function instance(): Promise<TestServer> {
  const started = await startServer({ redisUrl: redis.url, redisKeyPrefix: 'browser:' });
  servers.push(started);
  return started;
}

describe('cluster mode in the browser', () => {
  it(
    'two note-takers on two instances see each other’s text and presence, and both pages say everything is saved',
    async () => {
      const [a, b] = [await instance(), await instance()];
      const topic = a.app.meta.getSession(SESSION).topics[2]!.id;
      const alice = await browser.page('Alice');
      const bob = await browser.page('Bob');
      await alice.goto(`${a.url}/s/${SESSION}`);
      await bob.goto(`${b.url}/s/${SESSION}`);
      await Promise.all([waitForState(alice, 'saved'), waitForState(bob, 'saved')]);
      await waitFor(async () => (await alice.locator('.presence-list').textContent())?.includes('Bob'), 'Bob (on instance B) in Alice’s presence list');
      await waitFor(async () => (await bob.locator('.presence-list').textContent())?.includes('Alice'), 'Alice (on instance A) in Bob’s presence list');

      await typeInTopic(alice, topic, 'Alice via instance A. ');
      await waitForNotes(bob, topic, (t) => t.includes('Alice via instance A.'), 'Alice’s text at Bob');
      await typeInTopic(bob, topic, 'Bob via instance B.');
      await waitForNotes(alice, topic, (t) => t.includes('Bob via instance B.'), 'Bob’s text at Alice');
      await Promise.all([waitForState(alice, 'saved'), waitForState(bob, 'saved')]);
      expect(await alice.locator('[data-testid="unsaved"]').textContent()).toBe('');
      await screenshot(bob, 'cluster-two-instances');

      // A reload served by the other instance shows the same notes.
      await alice.goto(`${b.url}/s/${SESSION}`);
      await waitForNotes(alice, topic, (t) => t.includes('Alice via instance A.') && t.includes('Bob via instance B.'), 'both lines after a reload through B');
    },
    TIMEOUT_MS,
  );
});
