import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeFrames,
  decodeSingleFrame,
  encodeFrame,
  FRAME_HEADER_BYTES,
} from '../../server/storage/frame-codec.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('frame codec', () => {
  it('encodes [u32 LE length][u32 LE crc32][payload]', () => {
    const payload = bytes(1, 2, 3, 250);
    const frame = encodeFrame(payload);
    expect(frame.length).toBe(FRAME_HEADER_BYTES + 4);
    expect(frame.readUInt32LE(0)).toBe(4);
    expect(frame.readUInt32LE(4)).toBe(crc32(payload));
    expect([...frame.subarray(8)]).toEqual([1, 2, 3, 250]);
  });

  it('round-trips a sequence of frames', () => {
    const payloads = [bytes(1), bytes(2, 3), new Uint8Array(1000).fill(7)];
    const data = Buffer.concat(payloads.map(encodeFrame));
    const decoded = decodeFrames(data, 4096);
    expect(decoded.problem).toBeNull();
    expect(decoded.validBytes).toBe(data.length);
    expect(decoded.payloads.map((p) => [...p])).toEqual(payloads.map((p) => [...p]));
  });

  it('decodes frames from a view with a non-zero byte offset', () => {
    const data = Buffer.concat([Buffer.from([9, 9, 9]), encodeFrame(bytes(5, 6))]);
    const decoded = decodeFrames(data.subarray(3), 100);
    expect(decoded.payloads.map((p) => [...p])).toEqual([[5, 6]]);
    expect(decoded.problem).toBeNull();
  });

  it('stops at a torn header, a torn payload, a bad CRC, an oversized or an empty frame', () => {
    const good = encodeFrame(bytes(1, 2, 3));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['torn header', Buffer.concat([good, Buffer.from([4, 0, 0])]), /torn frame header/],
      ['torn payload', Buffer.concat([good, encodeFrame(bytes(1, 2, 3, 4)).subarray(0, 10)]), /torn frame/],
      ['bad crc', Buffer.concat([good, flipLastByte(encodeFrame(bytes(8, 9)))]), /CRC/],
      ['oversized', Buffer.concat([good, encodeFrame(new Uint8Array(65))]), /exceeds the maximum 64/],
      ['zero fill', Buffer.concat([good, Buffer.alloc(4096)]), /empty frame/],
    ];
    for (const [name, data, problem] of cases) {
      const decoded = decodeFrames(data, 64);
      expect(decoded.payloads.map((p) => [...p]), name).toEqual([[1, 2, 3]]);
      expect(decoded.validBytes, name).toBe(good.length);
      expect(decoded.problem, name).toMatch(problem);
    }
  });

  it('accepts a snapshot only when it is exactly one valid frame', () => {
    const frame = encodeFrame(bytes(4, 5));
    expect(decodeSingleFrame(frame)).toEqual({ payload: frame.subarray(8) });
    expect(decodeSingleFrame(frame.subarray(0, 9))).toHaveProperty('problem');
    expect(decodeSingleFrame(flipLastByte(frame))).toHaveProperty('problem');
    expect(decodeSingleFrame(Buffer.concat([frame, frame]))).toEqual({ problem: 'expected one frame, found 2' });
    expect(decodeSingleFrame(new Uint8Array(0))).toEqual({ problem: 'expected one frame, found 0' });
  });
});

function flipLastByte(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff;
  return copy;
}
