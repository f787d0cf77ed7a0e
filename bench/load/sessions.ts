/**
 * The bench sessions: created through mcpad's import API (which builds the template) and, for
 * the reference server, by pushing the same template update, so both serve the same structure.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { buildTemplateUpdate, type TemplateTopic } from '../../shared/topic-template.ts';
import { BENCH_ADMIN_TOKEN, type ServerProcess } from '../servers.ts';
import { SYNC_UPDATE, syncMessage, syncStep1 } from '../wire.ts';
import { classifyFrame } from '../../shared/wire.ts';

export const TOPICS: TemplateTopic[] = Array.from({ length: 5 }, (_, i) => ({ id: `topic-${i + 1}`, title: `Topic ${i + 1}` }));

/** Creates the sessions: imported into mcpad (which builds the template); for the reference server
 *  the same template update is pushed, so both serve byte-identical structure. */
export async function createSessions(server: ServerProcess, ids: string[]): Promise<void> {
  if (server.kind === 'mcpad') {
    const response = await fetch(`${server.httpUrl}/api/events/bench/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessions: ids.map((id) => ({ id, title: `Bench ${id}`, topics: TOPICS })) }),
    });
    if (!response.ok) throw new Error(`import failed: ${response.status} ${await response.text()}`);
  }
  const template = buildTemplateUpdate(TOPICS);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, template);
  const stateVector = Y.encodeStateVector(doc);
  await Promise.all(ids.map((id) => pushUpdates(server.collabUrl, id, [template], () => stateVector)));
}

/** Sends updates over one connection and waits until the server has applied them all: after each
 *  chunk, a step 1 carrying the sender's state vector is answered (in order) with a small step 2. */
export function pushUpdates(collabUrl: string, session: string, updates: Iterable<Uint8Array>, stateVector: () => Uint8Array, chunk = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${collabUrl}/${session}`, { perMessageDeflate: false });
    const iterator = updates[Symbol.iterator]();
    let done = false;
    const sendChunk = (): void => {
      for (let i = 0; i < chunk && !done; i++) {
        const next = iterator.next();
        if (next.done) done = true;
        else socket.send(syncMessage(SYNC_UPDATE, next.value));
      }
      socket.send(syncStep1(stateVector()));
    };
    let acks = 0;
    socket.on('open', () => sendChunk());
    socket.on('message', (data: Buffer) => {
      if (classifyFrame(data) !== 'sync-step2') return;
      acks++;
      if (done) {
        done = false;
        acks = -1;
        socket.close();
        resolve();
      } else if (acks > 0) sendChunk();
    });
    socket.on('error', reject);
    socket.on('close', (code) => {
      if (acks !== -1) reject(new Error(`push to ${session} closed with ${code}`));
    });
  });
}
