/** Redis stream entry ids ("<ms>-<seq>"): order and successor, for cursors and trims. */

export const STREAM_START = '0-0';

function parts(id: string): [number, number] {
  const dash = id.indexOf('-');
  return dash < 0 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am !== bm ? am - bm : as - bs;
}

/** The smallest id after `id`. */
export function nextStreamId(id: string): string {
  const [ms, seq] = parts(id);
  return `${ms}-${seq + 1}`;
}
