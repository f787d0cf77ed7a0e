import { describe, expect, it } from 'vitest';
import { TopicPointer } from '../../client/src/present/topic-pointer.ts';

const IDS = ['a', 'b', 'c'];

describe('projector topic pointer', () => {
  it('follows "now discussing", and shows the first topic when nothing is discussed', () => {
    const pointer = new TopicPointer(null);
    expect(pointer.choose(IDS, null)).toBe('a');
    expect(pointer.choose(IDS, 'b')).toBe('b');
    expect(pointer.choose(IDS, 'c')).toBe('c');
    expect(pointer.choose(IDS, 'gone')).toBe('a');
    expect(pointer.mode).toBe('following');
  });

  it('keeps a pinned topic whatever is discussed, until told to follow', () => {
    const pointer = new TopicPointer('c');
    expect(pointer.choose(IDS, 'a')).toBe('c');
    expect(pointer.choose(IDS, 'b')).toBe('c');
    expect(pointer.mode).toBe('pinned');
    pointer.follow();
    expect(pointer.choose(IDS, 'b')).toBe('b');
  });

  it('steps with the arrows within the list; the next change of "now discussing" takes over', () => {
    const pointer = new TopicPointer(null);
    expect(pointer.choose(IDS, 'b')).toBe('b');
    pointer.step(IDS, 'b', +1);
    expect(pointer.choose(IDS, 'b')).toBe('c');
    pointer.step(IDS, 'c', +1);
    expect(pointer.choose(IDS, 'b')).toBe('c');
    pointer.step(IDS, 'c', -1);
    pointer.step(IDS, 'b', -1);
    pointer.step(IDS, 'a', -1);
    expect(pointer.choose(IDS, 'b')).toBe('a');
    expect(pointer.mode).toBe('manual');
    expect(pointer.choose(IDS, 'c')).toBe('c');
    expect(pointer.mode).toBe('following');
  });

  it('a pinned page that opens while a topic is discussed keeps the pin; a stepped-from pin stays pinned after a change', () => {
    const pointer = new TopicPointer('a');
    expect(pointer.choose(IDS, 'b')).toBe('a');
    pointer.step(IDS, 'a', +1);
    expect(pointer.choose(IDS, 'b')).toBe('b');
    expect(pointer.choose(IDS, 'c')).toBe('a');
    expect(pointer.choose([], 'c')).toBeNull();
  });
});
