import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { readSections } from '../../shared/doc-schema.ts';
import { connectClient, destroyAllClients, type TestClient } from '../helpers/clients.ts';
import { rawClient, step1Frame, type RawClient } from '../helpers/raw-client.ts';
import { serverPool, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { classifyFrame } from '../../shared/wire.ts';

const SESSION = 'containers-cr';
const servers = serverPool();
const server = servers.start;
let raws: RawClient[] = [];

afterEach(async () => {
  destroyAllClients();
  for (const raw of raws) raw.socket.terminate();
  raws = [];
  await servers.closeAll();
});

async function reader(s: TestServer, options: WebSocket.ClientOptions): Promise<RawClient> {
  const raw = rawClient(`${s.collabUrl}/${SESSION}`, options);
  raws.push(raw);
  await raw.opened;
  raw.send(step1Frame());
  await waitFor(() => raw.received.some((f) => classifyFrame(f) === 'sync-step2'), 'sync step 2');
  return raw;
}

const bytesRead = (raw: RawClient): number => (raw.socket as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;
/** Sync update messages (`0, 2, ...`) received so far. */
const updates = (raw: RawClient): Uint8Array[] => raw.received.filter((f) => classifyFrame(f) === 'sync-update');

/** A writer pastes a long, repetitive note (like many authors' cursors in one flush): both readers
 *  must get the same update message. Returns the bytes each read off the wire meanwhile. */
async function pasteAndMeasure(writer: TestClient, readers: RawClient[]): Promise<number[]> {
  const before = readers.map(bytesRead);
  const counts = readers.map((r) => updates(r).length);
  const notes = writer.notes(firstTopic(writer));
  notes.insert(notes.length, 'pidfd: send signals race-free; pidfd_open and polling for exit. '.repeat(80));
  await waitFor(() => readers.every((r, i) => updates(r).length > counts[i]!), 'the paste to reach every reader');
  const messages = readers.map((r) => Buffer.from(updates(r).at(-1)!));
  for (const message of messages) expect(message.equals(messages[0]!)).toBe(true);
  return readers.map((r, i) => bytesRead(r) - before[i]!);
}

const firstTopic = (client: TestClient): string => readSections(client.doc)[0]!.id;

describe('permessage-deflate on broadcasts', () => {
  it('a client that negotiated it gets the same messages in a fraction of the bytes; one that did not gets them plain', async () => {
    const s = await server();
    const writer = connectClient(s.collabUrl, SESSION);
    const follower = connectClient(s.collabUrl, SESSION);
    await Promise.all([writer.synced(), follower.synced()]);
    const compressed = await reader(s, {});
    const plain = await reader(s, { perMessageDeflate: false });
    expect(compressed.socket.extensions).toContain('permessage-deflate');
    expect(plain.socket.extensions).toBe('');

    const [compressedBytes, plainBytes] = await pasteAndMeasure(writer, [compressed, plain]);
    expect(plainBytes).toBeGreaterThan(5000);
    expect(compressedBytes).toBeLessThan(plainBytes! / 5);
    // The stock provider (ws, deflate negotiated by default) converges as before.
    const topic = firstTopic(writer);
    await waitFor(() => follower.notes(topic).toString() === writer.notes(topic).toString(), 'the follower to converge');
  });

  it('WS_COMPRESSION=off negotiates nothing and sends everything plain', async () => {
    const s = await server({ wsCompression: false });
    const writer = connectClient(s.collabUrl, SESSION);
    await writer.synced();
    const offering = await reader(s, {});
    expect(offering.socket.extensions).toBe('');
    const [bytes] = await pasteAndMeasure(writer, [offering]);
    expect(bytes).toBeGreaterThan(5000);
  });
});
