import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateWindowBits, framedOnce, frameFormat, frameHeader, parseExtensions } from '../../server/ws/broadcast-frames.ts';

const PLAIN = frameFormat(null, 1024);
const DEFLATE = frameFormat(15, 1024);

/** Splits WebSocket frames (unmasked, final) into their RSV1 bit and payload. */
function parseFrames(bytes: Buffer): { compressed: boolean; payload: Buffer }[] {
  const frames: { compressed: boolean; payload: Buffer }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at]!;
    expect(first & 0x8f).toBe(0x82); // final, binary
    let length = bytes[at + 1]!;
    let headerBytes = 2;
    if (length === 126) [length, headerBytes] = [bytes.readUInt16BE(at + 2), 4];
    else if (length === 127) [length, headerBytes] = [Number(bytes.readBigUInt64BE(at + 2)), 10];
    frames.push({ compressed: (first & 0x40) !== 0, payload: bytes.subarray(at + headerBytes, at + headerBytes + length) });
    at += headerBytes + length;
  }
  return frames;
}

/** What a permessage-deflate receiver does (RFC 7692 §7.2.2). */
function inflate(payload: Buffer, windowBits = 15): Buffer {
  return zlib.inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), { windowBits, finishFlush: zlib.constants.Z_SYNC_FLUSH });
}

const repetitive = (bytes: number): Uint8Array => Buffer.from('{"cursor":{"anchor":{"type":{"client":1,"clock":2}}}}'.repeat(Math.ceil(bytes / 52)).slice(0, bytes));

describe('broadcast frames', () => {
  it('builds one plain frame per message, with 7-, 16- and 64-bit lengths', () => {
    const messages = [new Uint8Array(5).fill(1), new Uint8Array(300).fill(2), new Uint8Array(70_000).fill(3)];
    const frames = parseFrames(framedOnce(messages, PLAIN));
    expect(frames.map((f) => f.compressed)).toEqual([false, false, false]);
    expect(frames.map((f) => Buffer.compare(f.payload, Buffer.from(messages[frames.indexOf(f)]!)))).toEqual([0, 0, 0]);
    expect([...frameHeader(5, false)]).toEqual([0x82, 5]);
    expect([...frameHeader(300, true)]).toEqual([0xc2, 126, 1, 44]);
  });

  it('compresses messages from the threshold on, each on its own, and they inflate to the original', () => {
    const small = repetitive(500);
    const large = repetitive(12_000);
    const frames = parseFrames(framedOnce([small, large], DEFLATE));
    expect(frames[0]).toEqual({ compressed: false, payload: Buffer.from(small) });
    expect(frames[1]!.compressed).toBe(true);
    expect(frames[1]!.payload.length).toBeLessThan(large.length / 5);
    expect(inflate(frames[1]!.payload).equals(Buffer.from(large))).toBe(true);
  });

  it('honours a smaller negotiated window, and sends what does not shrink plain', () => {
    const large = repetitive(8000);
    const [narrow] = parseFrames(framedOnce([large], frameFormat(10, 1024)));
    expect(narrow!.compressed).toBe(true);
    expect(inflate(narrow!.payload, 10).equals(Buffer.from(large))).toBe(true);
    const random = crypto.randomBytes(4096);
    expect(parseFrames(framedOnce([random], DEFLATE))[0]).toEqual({ compressed: false, payload: random });
  });

  it('frames an array once per format: every peer gets the same buffer', () => {
    const messages = [repetitive(2000)];
    expect(framedOnce(messages, DEFLATE)).toBe(framedOnce(messages, frameFormat(15, 1024)));
    expect(framedOnce(messages, PLAIN)).toBe(framedOnce(messages, PLAIN));
    expect(framedOnce(messages, PLAIN)).not.toBe(framedOnce(messages, DEFLATE));
  });

  it('reads the negotiated server_max_window_bits; windows zlib cannot honour mean plain frames', () => {
    expect(deflateWindowBits(undefined)).toBe(15);
    expect(deflateWindowBits(true)).toBe(15);
    expect(deflateWindowBits(12)).toBe(12);
    expect(deflateWindowBits('11')).toBe(11);
    expect(deflateWindowBits(8)).toBeNull();
    expect(deflateWindowBits('x')).toBeNull();
  });
});

describe('parseExtensions', () => {
  it('reads the params of a Sec-WebSocket-Extensions answer', () => {
    expect(parseExtensions('permessage-deflate; server_no_context_takeover; server_max_window_bits=10')).toEqual({
      'permessage-deflate': { server_no_context_takeover: true, server_max_window_bits: '10' },
    });
    expect(parseExtensions('permessage-deflate; client_max_window_bits="12", x-other')).toEqual({
      'permessage-deflate': { client_max_window_bits: '12' },
      'x-other': {},
    });
    expect(parseExtensions(undefined)).toEqual({});
  });
});
