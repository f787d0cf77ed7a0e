import { describe, expect, it } from 'vitest';
import { FrameBatch } from '../../client/src/read/frame-batch.ts';

describe('FrameBatch (one re-render per animation frame)', () => {
  it('runs each key once per frame, in first-marked order, and schedules one frame at a time', () => {
    const frames: Array<() => void> = [];
    const runs: string[][] = [];
    const batch = new FrameBatch<string>((keys) => runs.push(keys), (callback) => frames.push(callback));
    batch.mark('b');
    batch.mark('a');
    batch.mark('b');
    expect(frames).toHaveLength(1);
    expect(runs).toEqual([]);
    frames.shift()!();
    expect(runs).toEqual([['b', 'a']]);
    batch.mark('c');
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(runs).toEqual([['b', 'a'], ['c']]);
    batch.flush();
    expect(runs).toHaveLength(2);
  });
});
