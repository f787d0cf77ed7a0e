/**
 * `npm run demo`: adds a clearly labelled demo event with a follow-on session of the seeded MC and
 * a few "(demo)" follow-ups to try search and carry-over on a fresh start (see demo-content.ts).
 * Writes to DATA_DIR directly: stop the server first. Safe to run again.
 */
import { configFromEnv } from '../config.ts';
import { openDataDirServices } from './data-dir-services.ts';
import { createDemo, DEMO_EVENT_ID, DEMO_SESSION_ID } from './demo-content.ts';
import { runCli } from './run-cli.ts';

async function main(): Promise<number> {
  const config = configFromEnv(process.env);
  const services = await openDataDirServices(config);
  try {
    const result = await createDemo(services, config.seedDir);
    for (const s of result.seeded) console.log(`Seeded ${s.sessionId}; its lead link: /s/${s.sessionId}?token=${s.leadToken}`);
    if (result.demoLeadToken) console.log(`Created the demo event "${DEMO_EVENT_ID}"; lead link of its session: /s/${DEMO_SESSION_ID}?token=${result.demoLeadToken}`);
    else console.log(`The demo event "${DEMO_EVENT_ID}" was already there.`);
    console.log(`Added ${result.addedItems} demo follow-up(s) to the seeded session. Start the server and open /s/${DEMO_SESSION_ID}.`);
    return 0;
  } finally {
    await services.close();
  }
}

runCli('Demo', main);
