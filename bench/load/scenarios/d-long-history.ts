/**
 * Scenario (d): how fast a fresh client syncs a session with a long history (10,000 and 100,000
 * edits): warm (doc in memory), and for mcpad cold from the update log (after kill -9) and from
 * the snapshot (after a clean stop).
 */
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { sectionNotes, topicSections, type SectionMap } from '../../../shared/doc-schema.ts';
import { buildTemplateUpdate } from '../../../shared/topic-template.ts';
import { dirBytes, type ServerKind } from '../../servers.ts';
import { nowMs, syncStep1 } from '../../wire.ts';
import type { RunContext } from '../options.ts';
import { startTracked, withServer } from '../processes.ts';
import type { FreshSync, HistoryEntry, HistoryOutcome } from '../results.ts';
import { createSessions, pushUpdates, TOPICS } from '../sessions.ts';
import { log, round } from '../util.ts';
import { classifyFrame } from '../../../shared/wire.ts';

/** `count` edits from 200 simulated writers at random places in the notes (one in ten deletes),
 *  as separate updates, the way a long session's history accumulates. */
function* historyUpdates(doc: Y.Doc, count: number): Generator<Uint8Array> {
  Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
  const sections = topicSections(doc);
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const writers = Array.from({ length: 200 }, (_, i) => 1000 + i);
  for (let i = 0; i < count; i++) {
    doc.clientID = writers[Math.floor(random() * writers.length)]!;
    const notes = sectionNotes(sections.get(Math.floor(random() * TOPICS.length)) as SectionMap)!;
    if (notes.length > 20 && random() < 0.1) notes.delete(Math.floor(random() * (notes.length - 3)), 1 + Math.floor(random() * 3));
    else notes.insert(Math.floor(random() * (notes.length + 1)), 'note text '.slice(0, 1 + Math.floor(random() * 9)));
    yield update!;
  }
}

/** A fresh full client: time from sending step 1 to receiving step 2 (the server's answer), and to
 *  having applied it. */
function freshSync(collabUrl: string, session: string): Promise<FreshSync> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const socket = new WebSocket(`${collabUrl}/${session}`, { perMessageDeflate: false, maxPayload: 1024 ** 3 });
    let sentAt = 0;
    socket.on('open', () => {
      sentAt = nowMs();
      socket.send(syncStep1(Y.encodeStateVector(new Y.Doc())));
    });
    socket.on('message', (data: Buffer) => {
      if (classifyFrame(data) !== 'sync-step2') return;
      const answerMs = nowMs() - sentAt;
      const doc = new Y.Doc();
      const decoderStart = 2;
      // Skip the varUint length prefix of the payload.
      let pos = decoderStart;
      while (data[pos]! & 0x80) pos++;
      Y.applyUpdate(doc, data.subarray(pos + 1));
      const syncedMs = nowMs() - started;
      socket.close();
      doc.destroy();
      resolve({ answerMs: round(answerMs), syncedMs: round(syncedMs), step2Bytes: data.length });
    });
    socket.on('error', reject);
    socket.on('close', (code, reason) => reject(new Error(`fresh client closed: ${code} ${reason.toString()}`)));
  });
}

export async function scenarioD(kind: ServerKind, ctx: RunContext): Promise<HistoryOutcome> {
  const results: HistoryOutcome = {};
  for (const size of ctx.scale.historySizes) {
    const session = `bench-d-${size}`;
    const entry: HistoryEntry = {};
    let dataDir: string | null = null;
    await withServer(kind, ctx, async (server) => {
      dataDir = server.dataDir;
      await createSessions(server, [session]);
      const started = Date.now();
      const writer = new Y.Doc();
      await pushUpdates(server.collabUrl, session, historyUpdates(writer, size), () => Y.encodeStateVector(writer));
      entry.writeS = round((Date.now() - started) / 1000);
      log(`  ${size} edits written in ${entry.writeS} s`);
      // Warm: the doc is in memory. The first fresh client after the writes, then the next one
      // (mcpad answers it from its cached state).
      entry.warmFirst = await freshSync(server.collabUrl, session);
      entry.warm = await freshSync(server.collabUrl, session);
      if (server.dataDir) entry.diskBytesLog = dirBytes(path.join(server.dataDir, 'docs', session));
      if (kind === 'mcpad') {
        // Cold from the update log: the server is killed (no compaction) and restarted.
        await server.stop('SIGKILL');
      }
    }, true);
    if (kind === 'mcpad' && dataDir) {
      const dir: string = dataDir;
      const restart = async (label: 'coldFromLog' | 'coldFromSnapshot'): Promise<void> => {
        const server = await startTracked('mcpad', ctx, { dataDir: dir });
        try {
          entry[label] = await freshSync(server.collabUrl, session);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n${server.output()}`);
        } finally {
          await server.stop('SIGTERM'); // compacts: the next start loads a snapshot
        }
      };
      await restart('coldFromLog');
      entry.diskBytesSnapshot = dirBytes(path.join(dir, 'docs', session));
      await restart('coldFromSnapshot');
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    log(`  ${size} edits: ${JSON.stringify(entry)}`);
    results[String(size)] = entry;
  }
  return results;
}
