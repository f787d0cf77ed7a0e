/**
 * Loads the committed seed (data/seed/seed.json and the pages it names) into an empty data dir, so
 * a fresh start serves the LPC 2019 Containers and Checkpoint/Restore microconference.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isValidId } from '../../shared/ids.ts';
import { parseImport, type ImportFormat } from './index.ts';
import type { MetaService } from '../meta/meta-service.ts';

interface SeedFile {
  events: Array<{
    id: string;
    title: string;
    description?: string;
    sessions: Array<{ id: string; title: string; file: string; format: ImportFormat }>;
  }>;
}

/** Imports every event of `<seedDir>/seed.json`. Returns the sessions created with their lead tokens. */
export async function loadSeed(meta: MetaService, seedDir: string): Promise<Array<{ sessionId: string; leadToken: string }>> {
  const seed = JSON.parse(await readFile(path.join(seedDir, 'seed.json'), 'utf8')) as SeedFile;
  const created: Array<{ sessionId: string; leadToken: string }> = [];
  for (const event of seed.events) {
    const drafts = [];
    for (const entry of event.sessions) {
      // Seed entries name files inside the seed folder only.
      if (!isValidId(entry.id) || path.basename(entry.file) !== entry.file) throw new Error(`bad seed entry ${JSON.stringify(entry)}`);
      const text = await readFile(path.join(seedDir, entry.file), 'utf8');
      const parsed = parseImport(entry.format, text);
      drafts.push(...parsed.map((draft) => ({ ...draft, id: entry.id, title: entry.title })));
    }
    const result = await meta.importSessions(event.id, drafts, {
      eventTitle: event.title,
      ...(event.description ? { eventDescription: event.description } : {}),
    });
    for (const s of result.sessions) if (s.leadToken) created.push({ sessionId: s.id, leadToken: s.leadToken });
  }
  return created;
}
