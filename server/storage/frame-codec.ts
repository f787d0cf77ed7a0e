/**
 * The on-disk record format shared by update logs (many frames back to back) and snapshots
 * (exactly one frame): [u32 LE payload length][u32 LE crc32(payload)][payload].
 */
import { crc32 } from 'node:zlib';

export const FRAME_HEADER_BYTES = 8;

/** Encodes one payload as a frame in a single buffer, so it can be written with one write call. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export interface DecodedFrames {
  /** Payloads of the valid frames, in order (views into the input, not copies). */
  payloads: Uint8Array[];
  /** Length of the prefix made of valid frames: where a damaged file should be truncated. */
  validBytes: number;
  /** Why decoding stopped before the end of the input; null when every byte was a valid frame. */
  problem: string | null;
}

/** Decodes frames from the start of `data` up to the first invalid one. */
export function decodeFrames(data: Uint8Array, maxPayloadBytes: number): DecodedFrames {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const payloads: Uint8Array[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const problem = frameProblem(buf, offset, maxPayloadBytes);
    if (problem !== null) return { payloads, validBytes: offset, problem };
    const end = offset + FRAME_HEADER_BYTES + buf.readUInt32LE(offset);
    payloads.push(buf.subarray(offset + FRAME_HEADER_BYTES, end));
    offset = end;
  }
  return { payloads, validBytes: offset, problem: null };
}

/** Decodes a file that must hold exactly one valid frame (a snapshot); returns the reason otherwise. */
export function decodeSingleFrame(data: Uint8Array): { payload: Uint8Array } | { problem: string } {
  const decoded = decodeFrames(data, Number.POSITIVE_INFINITY);
  if (decoded.problem !== null) return { problem: decoded.problem };
  const [payload, ...extra] = decoded.payloads;
  if (payload === undefined || extra.length > 0) {
    return { problem: `expected one frame, found ${decoded.payloads.length}` };
  }
  return { payload };
}

function frameProblem(buf: Buffer, offset: number, maxPayloadBytes: number): string | null {
  const remaining = buf.length - offset;
  if (remaining < FRAME_HEADER_BYTES) return `torn frame header (${remaining} bytes)`;
  const length = buf.readUInt32LE(offset);
  // Zero-filled blocks (left by some file systems after a crash) would otherwise decode as
  // valid empty frames, since crc32 of nothing is 0; no Yjs update is empty.
  if (length === 0) return 'empty frame';
  if (length > maxPayloadBytes) return `frame length ${length} exceeds the maximum ${maxPayloadBytes}`;
  if (length > remaining - FRAME_HEADER_BYTES) {
    return `torn frame (${length} bytes declared, ${remaining - FRAME_HEADER_BYTES} present)`;
  }
  const payload = buf.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + length);
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return 'CRC mismatch';
  return null;
}
