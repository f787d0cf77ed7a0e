/**
 * A WebSocket client for the load generator's lurkers and light authors: it offers
 * permessage-deflate as browsers do (so the server sends what it would send a browser), counts the
 * messages it gets without decoding or inflating them, answers pings, and sends masked binary
 * frames. `ws` would inflate every compressed message, which for a thousand lurkers costs the
 * generator more than the server spends sending; a real client inflates on its own device.
 * Probes, which read what they get, stay full `ws` clients.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';

const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const OPCODE_BINARY = 0x2;

export interface LightSocketEvents {
  /** One data message: its first two payload bytes (enough to tell a sync step 2) when the
   *  message is not compressed, and its length on the wire. */
  onMessage(head: { first: number; second: number } | null, wireBytes: number): void;
  onClose(): void;
}

export interface LightSocket {
  send(message: Uint8Array): void;
  readonly open: boolean;
  /** The negotiated extensions, as the server answered them. */
  readonly extensions: string;
  terminate(): void;
}

/** Opens `url` (ws://host:port/path); resolves once the upgrade is done. */
export function openLightSocket(url: string, events: LightSocketEvents, offerDeflate = true): Promise<LightSocket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
        ...(offerDeflate ? { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' } : {}),
      },
    });
    request.on('response', (response) => {
      response.resume();
      reject(new Error(`upgrade refused: HTTP ${response.statusCode}`));
    });
    request.on('error', reject);
    request.on('upgrade', (response, socket, head) => {
      const extensions = String(response.headers['sec-websocket-extensions'] ?? '');
      resolve(attach(socket, head, extensions, events));
    });
    request.end();
  });
}

function attach(socket: Duplex & { setNoDelay?(on: boolean): void }, head: Buffer, extensions: string, events: LightSocketEvents): LightSocket {
  socket.setNoDelay?.(true);
  const mask = crypto.randomBytes(4);
  let open = true;
  let pending: Buffer = head;
  const writeFrame = (opcode: number, payload: Uint8Array): void => {
    if (!open) return;
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(6) : length < 65536 ? Buffer.alloc(8) : Buffer.alloc(14);
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    mask.copy(header, header.length - 4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i & 3]!;
    socket.write(Buffer.concat([header, masked]));
  };
  /** Reads every complete frame at the front of `pending`. */
  const drain = (): void => {
    for (;;) {
      if (pending.length < 2) return;
      const first = pending[0]!;
      let length = pending[1]! & 0x7f;
      let headerBytes = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        headerBytes = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        headerBytes = 10;
      }
      if (pending.length < headerBytes + length) return;
      const payload = pending.subarray(headerBytes, headerBytes + length);
      const opcode = first & 0x0f;
      if (opcode === OPCODE_PING) writeFrame(OPCODE_PONG, payload);
      else if (opcode === OPCODE_CLOSE) {
        writeFrame(OPCODE_CLOSE, payload.subarray(0, 2));
        socket.end();
      } else if (opcode !== OPCODE_PONG) {
        const compressed = (first & 0x40) !== 0;
        events.onMessage(!compressed && length >= 2 ? { first: payload[0]!, second: payload[1]! } : null, headerBytes + length);
      }
      pending = pending.subarray(headerBytes + length);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    drain();
  });
  const closed = (): void => {
    if (!open) return;
    open = false;
    events.onClose();
  };
  socket.on('close', closed);
  socket.on('error', () => socket.destroy());
  queueMicrotask(drain);
  return {
    send: (message) => writeFrame(OPCODE_BINARY, message),
    get open() {
      return open;
    },
    extensions,
    terminate: () => socket.destroy(),
  };
}
