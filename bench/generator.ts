/**
 * One load-generator process (forked by bench/run.ts, commands over IPC). It holds many
 * y-websocket connections of three kinds:
 *  - lurkers: sync, then only receive (counted, never decoded nor inflated: light-socket.ts);
 *  - light authors: a Y.Doc holding only the template and their own edits, typing one token at
 *    a time at the end of their own text under their own client id (valid Yjs updates, without
 *    applying anyone else's), each edit followed by an awareness update moving their cursor;
 *  - probes: full Y.Doc clients applying everything, timing each author edit from its send
 *    (token in the text) to its arrival, and recording which edits arrived.
 * It also measures its own CPU and event-loop lag so the coordinator can tell when the load
 * generator, not the server, is the limit.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { sectionNotes, topicSections, type SectionMap } from '../shared/doc-schema.ts';
import { openLightSocket, type LightSocket } from './light-socket.ts';
import { MESSAGE_SYNC } from '../shared/protocol.ts';
import { buildTemplateUpdate, type TemplateTopic } from '../shared/topic-template.ts';
import { awarenessMessage, messageKind, nowMs, SYNC_STEP2, SYNC_UPDATE, syncMessage, syncPayload, syncStep1, editToken, tokensOfUpdate } from './wire.ts';

export type GeneratorCommand =
  | { cmd: 'init'; collabUrl: string; epochMs: number }
  | { cmd: 'lurkers'; session: string; count: number }
  | { cmd: 'authors'; session: string; topics: TemplateTopic[]; count: number; ratePerSec: number; firstAuthor: number }
  | { cmd: 'probes'; session: string; count: number }
  | { cmd: 'window' }
  | { cmd: 'report' }
  | { cmd: 'stopAuthors' }
  | { cmd: 'close' };

export interface GeneratorReport {
  /** Window (since the last 'window' command) figures. */
  windowMs: number;
  cpuPercent: number;
  loopLagP99Ms: number;
  loopLagMaxMs: number;
  messagesIn: number;
  bytesIn: number;
  editsSent: number;
  latenciesMs: number[];
  /** Cumulative figures. */
  sentByAuthor: Record<number, { session: string; sent: number }>;
  /** Per probe: its session, and author → distinct edits received. */
  receivedByProbe: { session: string; received: Record<number, number> }[];
  connectMs: number[];
  connectFailures: number;
  unexpectedCloses: number;
  rssBytes: number;
}

const CONNECT_CONCURRENCY = 40;
const CONNECT_TIMEOUT_MS = 10_000;
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

let collabUrl = '';
let epochMs = 0;
/** Every open connection (ws or light), terminated on close. */
const sockets = new Set<{ terminate(): void }>();
let closing = false;

// Window figures.
let windowStart = nowMs();
let cpuStart = process.cpuUsage();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let messagesIn = 0;
let bytesIn = 0;
let editsSent = 0;
let latencies: number[] = [];
// Cumulative.
const sentByAuthor = new Map<number, { session: string; sent: number }>();
const probes: { session: string; received: Map<number, Set<number>> }[] = [];
let connectMs: number[] = [];
let connectFailures = 0;
let unexpectedCloses = 0;
const authorTimers = new Set<NodeJS.Timeout>();

/** Opens a full `ws` client (probes): it negotiates permessage-deflate and inflates, as a
 *  browser does. */
function openSocket(session: string, onMessage: (frame: Uint8Array, socket: WebSocket) => void, onOpen: (socket: WebSocket) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const socket = new WebSocket(`${collabUrl}/${session}`);
    socket.binaryType = 'nodebuffer';
    let synced = false;
    // A saturated server may never answer: give up on this connection rather than stall the run.
    const timer = setTimeout(() => {
      if (synced) return;
      connectFailures++;
      socket.terminate();
      reject(new Error('no sync step 2 within the connect timeout'));
    }, CONNECT_TIMEOUT_MS);
    socket.on('open', () => onOpen(socket));
    socket.on('message', (data: Buffer) => {
      messagesIn++;
      bytesIn += data.length;
      if (!synced && data[0] === MESSAGE_SYNC && data[1] === SYNC_STEP2) {
        synced = true;
        clearTimeout(timer);
        connectMs.push(nowMs() - started);
        sockets.add(socket);
        resolve(socket);
      }
      onMessage(data, socket);
    });
    socket.on('error', (error) => {
      if (!synced) {
        connectFailures++;
        reject(error);
      }
    });
    socket.on('close', () => {
      sockets.delete(socket);
      if (!closing && synced) unexpectedCloses++;
      if (!synced) reject(new Error('closed before sync'));
    });
  });
}

/** Opens a light socket (lurkers, light authors): offers permessage-deflate like a browser,
 *  counts messages without inflating them; resolves once sync step 2 arrived. */
function openLight(session: string, onOpen: (socket: LightSocket) => void): Promise<LightSocket> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    let synced = false;
    let socket: LightSocket | null = null;
    const timer = setTimeout(() => {
      if (synced) return;
      connectFailures++;
      socket?.terminate();
      reject(new Error('no sync step 2 within the connect timeout'));
    }, CONNECT_TIMEOUT_MS);
    openLightSocket(`${collabUrl}/${session}`, {
      onMessage(head, wireBytes) {
        messagesIn++;
        bytesIn += wireBytes;
        if (!synced && head?.first === MESSAGE_SYNC && head.second === SYNC_STEP2) {
          synced = true;
          clearTimeout(timer);
          connectMs.push(nowMs() - started);
          sockets.add(socket!);
          resolve(socket!);
        }
      },
      onClose() {
        if (socket) sockets.delete(socket);
        if (!closing && synced) unexpectedCloses++;
        if (!synced) {
          clearTimeout(timer);
          reject(new Error('closed before sync'));
        }
      },
    }).then(
      (opened) => {
        socket = opened;
        onOpen(opened);
      },
      (error: unknown) => {
        clearTimeout(timer);
        connectFailures++;
        reject(error as Error);
      },
    );
  });
}

async function inBatches(count: number, open: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await open(index).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
}

function connectLurkers(session: string, count: number): Promise<void> {
  const hello = [syncStep1(EMPTY_STATE_VECTOR), syncMessage(SYNC_STEP2, EMPTY_UPDATE)];
  return inBatches(count, () =>
    openLight(session, (socket) => {
      for (const frame of hello) socket.send(frame);
    }),
  );
}

function connectAuthors(session: string, topics: TemplateTopic[], count: number, ratePerSec: number, firstAuthor: number): Promise<void> {
  const template = buildTemplateUpdate(topics);
  const intervalMs = 1000 / ratePerSec;
  return inBatches(count, async (index) => {
    const author = firstAuthor + index;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, template);
    const notes = sectionNotes(topicSections(doc).get(0) as SectionMap)!;
    let pending: Uint8Array | null = null;
    doc.on('update', (update: Uint8Array) => {
      pending = update;
    });
    let seq = 0;
    let awarenessClock = 0;
    const user = { name: `author ${author}`, color: '#3366cc' };
    const socket = await openLight(session, (s) => {
      s.send(syncStep1(Y.encodeStateVector(doc)));
      s.send(syncMessage(SYNC_STEP2, EMPTY_UPDATE));
      s.send(awarenessMessage(doc.clientID, awarenessClock++, { user }));
    });
    const type = () => {
      if (!socket.open) return;
      seq++;
      notes.insert(notes.length, editToken(author, seq, epochMs, nowMs()));
      const update = pending!;
      pending = null;
      socket.send(syncMessage(SYNC_UPDATE, update));
      const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(notes, notes.length));
      socket.send(awarenessMessage(doc.clientID, awarenessClock++, { user, cursor: { anchor: position, head: position } }));
      sentByAuthor.set(author, { session, sent: seq });
      editsSent++;
    };
    // Spread the authors' phases so the load is steady rather than in bursts.
    const start = setTimeout(() => {
      authorTimers.delete(start);
      type();
      const timer = setInterval(type, intervalMs);
      authorTimers.add(timer);
    }, Math.random() * intervalMs);
    authorTimers.add(start);
  });
}

function connectProbes(session: string, count: number): Promise<void> {
  return inBatches(count, async () => {
    const doc = new Y.Doc();
    const received = new Map<number, Set<number>>();
    probes.push({ session, received });
    const onMessage = (frame: Uint8Array, socket: WebSocket): void => {
      const arrivedAt = nowMs();
      const { type, sync } = messageKind(frame);
      if (type !== MESSAGE_SYNC) return;
      if (sync === SYNC_STEP2 || sync === SYNC_UPDATE) {
        const update = syncPayload(frame);
        for (const edit of tokensOfUpdate(update, epochMs)) {
          let seqs = received.get(edit.author);
          if (!seqs) received.set(edit.author, (seqs = new Set()));
          if (seqs.has(edit.seq)) continue;
          seqs.add(edit.seq);
          if (sync === SYNC_UPDATE) latencies.push(arrivedAt - edit.sentAtMs);
        }
        Y.applyUpdate(doc, update, 'server');
      } else {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.readSyncMessage(decoding.createDecoder(frame.subarray(1)), encoder, doc, 'server');
        if (encoding.length(encoder) > 1) socket.send(encoding.toUint8Array(encoder));
      }
    };
    await openSocket(session, onMessage, (socket) => socket.send(syncStep1(Y.encodeStateVector(doc))));
  });
}

function report(): GeneratorReport {
  const now = nowMs();
  const cpu = process.cpuUsage(cpuStart);
  const windowMs = now - windowStart;
  return {
    windowMs,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
    loopLagP99Ms: loopDelay.percentile(99) / 1e6,
    loopLagMaxMs: loopDelay.max / 1e6,
    messagesIn,
    bytesIn,
    editsSent,
    latenciesMs: latencies,
    sentByAuthor: Object.fromEntries(sentByAuthor),
    receivedByProbe: probes.map((probe) => ({ session: probe.session, received: Object.fromEntries([...probe.received].map(([author, seqs]) => [author, seqs.size])) })),
    connectMs,
    connectFailures,
    unexpectedCloses,
    rssBytes: process.memoryUsage.rss(),
  };
}

function resetWindow(): void {
  windowStart = nowMs();
  cpuStart = process.cpuUsage();
  loopDelay.reset();
  messagesIn = 0;
  bytesIn = 0;
  editsSent = 0;
  latencies = [];
}

async function handle(command: GeneratorCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'init':
      collabUrl = command.collabUrl;
      epochMs = command.epochMs;
      return null;
    case 'lurkers':
      await connectLurkers(command.session, command.count);
      return null;
    case 'authors':
      await connectAuthors(command.session, command.topics, command.count, command.ratePerSec, command.firstAuthor);
      return null;
    case 'probes':
      await connectProbes(command.session, command.count);
      return null;
    case 'window':
      resetWindow();
      return null;
    case 'report':
      return report();
    case 'stopAuthors':
      for (const timer of authorTimers) clearTimeout(timer);
      authorTimers.clear();
      return null;
    case 'close':
      closing = true;
      for (const timer of authorTimers) clearTimeout(timer);
      for (const socket of sockets) socket.terminate();
      setTimeout(() => process.exit(0), 50);
      return null;
  }
}

process.on('message', (message: { id: number; command: GeneratorCommand }) => {
  handle(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
