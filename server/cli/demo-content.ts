/**
 * What `npm run demo` adds (issue #17 item 4): a clearly labelled demo event with a follow-on of
 * the seeded LPC 2019 Containers and Checkpoint/Restore MC, and a few "(demo)" follow-ups assigned
 * to "Demo person" in that seeded session, so search and carry-over show something at once. No
 * invented names, emails or topics are presented as real conference data: every added title and
 * item says "demo". Idempotent: a second run adds nothing.
 */
import type { Services } from '../services.ts';
import { loadSeed } from '../import/seed.ts';

export const DEMO_EVENT_ID = 'demo-followon';
export const DEMO_EVENT_TITLE = 'Demo: follow-on of the LPC 2019 Containers and Checkpoint/Restore MC (not real conference data)';
export const DEMO_SESSION_ID = 'demo-containers-cr-followon';
export const DEMO_PREDECESSOR = { eventId: 'lpc2019', sessionId: 'containers-cr' } as const;
export const DEMO_PERSON = 'Demo person';

export interface DemoResult {
  seeded: Array<{ sessionId: string; leadToken: string }>;
  demoLeadToken?: string;
  addedItems: number;
}

/** Adds the demo event and the demo follow-ups; seeds the data dir first when it is empty. */
export async function createDemo(services: Services, seedDir: string | null): Promise<DemoResult> {
  const { meta, followups } = services;
  const seeded = meta.isFresh && seedDir ? await loadSeed(meta, seedDir) : [];
  const predecessor = meta.findSession(DEMO_PREDECESSOR.sessionId);
  if (!predecessor || predecessor.eventId !== DEMO_PREDECESSOR.eventId) {
    throw new Error(`the seeded session ${DEMO_PREDECESSOR.eventId}/${DEMO_PREDECESSOR.sessionId} is not in this data dir`);
  }
  const [first, second, third] = predecessor.topics;
  if (!first || !second || !third) throw new Error(`${DEMO_PREDECESSOR.sessionId} has fewer than three topics`);
  // The follow-on shares two topic titles with its predecessor (carried items land there); the third item goes to "From last time".
  const imported = await meta.importSessions(
    DEMO_EVENT_ID,
    [
      {
        id: DEMO_SESSION_ID,
        title: 'Demo follow-on session (not real conference data)',
        description: 'Created by `npm run demo` to show carry-over and search. Not a real session.',
        previous: { ...DEMO_PREDECESSOR },
        topics: [{ title: first.title }, { title: second.title }, { title: 'Demo: open discussion (not real)' }],
      },
    ],
    { eventTitle: DEMO_EVENT_TITLE, eventDescription: 'Made by `npm run demo`; not real conference data.' },
  );
  const existing = new Set((await followups.listSession(predecessor.id)).map((item) => item.text));
  const wanted = [
    { topicId: first.id, text: '(demo) Post a summary of this topic to the mailing list', status: 'open' as const },
    { topicId: second.id, text: '(demo) Write down the open questions of this topic', status: 'in-progress' as const },
    { topicId: third.id, text: '(demo) Share the slides of this topic', status: 'open' as const },
  ];
  let addedItems = 0;
  for (const item of wanted) {
    if (existing.has(item.text)) continue;
    const created = await followups.addItem(predecessor.id, item.topicId, item.text, 'npm run demo');
    await followups.updateItem(predecessor.id, created.id, { assignee: { name: DEMO_PERSON }, status: item.status }, 'npm run demo');
    addedItems++;
  }
  const demoLeadToken = imported.sessions[0]?.leadToken;
  return { seeded, ...(demoLeadToken ? { demoLeadToken } : {}), addedItems };
}
