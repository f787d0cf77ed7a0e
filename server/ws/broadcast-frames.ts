/**
 * WebSocket frames of a broadcast, built once for every peer (issue #7). Server frames are not
 * masked, so the bytes are the same for everyone; with permessage-deflate negotiated with
 * server_no_context_takeover (RFC 7692), each message is compressed on its own, so the compressed
 * bytes are the same for everyone too. A flush of many authors' edits and cursors is mostly
 * repeated JSON keys of awareness states and shrinks about 5–9 times: fewer bytes on a
 * conference's Wi-Fi, and less kernel time per write on the server.
 */
import zlib from 'node:zlib';

/** How one peer's connection takes frames. */
export interface FrameFormat {
  /** The negotiated permessage-deflate window of the server's messages, or null when the peer
   *  did not negotiate compression (or with a window zlib cannot produce exactly). */
  deflateWindowBits: number | null;
  /** Messages shorter than this are sent uncompressed (compression gains little on them). */
  compressMinBytes: number;
  /** Peers with the same key get the same bytes (built once per connection, not per flush). */
  key: string;
}

export function frameFormat(deflateWindowBits: number | null, compressMinBytes: number): FrameFormat {
  return { deflateWindowBits, compressMinBytes, key: deflateWindowBits === null ? 'plain' : `${deflateWindowBits}/${compressMinBytes}` };
}

/** The params of each extension in a Sec-WebSocket-Extensions header (RFC 6455 §9.1), e.g.
 *  `permessage-deflate; server_no_context_takeover; server_max_window_bits=10` gives
 *  `{ 'permessage-deflate': { server_no_context_takeover: true, server_max_window_bits: '10' } }`. */
export function parseExtensions(header: string | undefined): Record<string, Record<string, string | true>> {
  const extensions: Record<string, Record<string, string | true>> = {};
  for (const offer of (header ?? '').split(',')) {
    const [name, ...params] = offer.split(';').map((part) => part.trim());
    if (!name) continue;
    const values: Record<string, string | true> = {};
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0) values[param] = true;
      else values[param.slice(0, eq).trim()] = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    extensions[name] = values;
  }
  return extensions;
}

/** zlib's raw deflate cannot use a 256-byte window (it silently uses 512). */
const MIN_DEFLATE_WINDOW_BITS = 9;
/** A sync flush ends with an empty stored block, `00 00 ff ff`, which RFC 7692 strips. */
const SYNC_FLUSH_TRAILER = 4;
const OPCODE_BINARY_FINAL = 0x82;
const RSV1 = 0x40;

const built = new WeakMap<readonly Uint8Array[], Map<string, Buffer>>();

/** The frames of `messages` in `format`, built once per array and format. */
export function framedOnce(messages: readonly Uint8Array[], format: FrameFormat): Buffer {
  let byFormat = built.get(messages);
  if (!byFormat) built.set(messages, (byFormat = new Map()));
  let bytes = byFormat.get(format.key);
  if (!bytes) {
    bytes = Buffer.concat(messages.flatMap((message) => frame(message, format)));
    byFormat.set(format.key, bytes);
  }
  return bytes;
}

/** The window bits to compress with for a negotiated server_max_window_bits (absent: 15). */
export function deflateWindowBits(serverMaxWindowBits: unknown): number | null {
  if (serverMaxWindowBits === undefined || serverMaxWindowBits === true) return 15;
  const bits = Number(serverMaxWindowBits);
  return Number.isInteger(bits) && bits >= MIN_DEFLATE_WINDOW_BITS && bits <= 15 ? bits : null;
}

function frame(message: Uint8Array, format: FrameFormat): Uint8Array[] {
  const bits = format.deflateWindowBits;
  if (bits !== null && message.length >= format.compressMinBytes) {
    const deflated = zlib.deflateRawSync(message, { windowBits: bits, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const payload = deflated.subarray(0, deflated.length - SYNC_FLUSH_TRAILER);
    if (payload.length < message.length) return [frameHeader(payload.length, true), payload];
  }
  return [frameHeader(message.length, false), message];
}

/** RFC 6455 §5.2 header of a final, unmasked binary frame; RSV1 marks a compressed message. */
export function frameHeader(length: number, compressed: boolean): Buffer {
  const first = OPCODE_BINARY_FINAL | (compressed ? RSV1 : 0);
  if (length < 126) return Buffer.from([first, length]);
  if (length < 65536) {
    const header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(10);
  header[0] = first;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}
