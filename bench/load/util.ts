/** Small helpers shared by the load benchmark's modules. */

/** One decimal place: the precision every figure of the report is given in. */
export function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export function roundAll<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A progress line with the time of day. */
export function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Splits `total` into `parts` near-equal whole numbers. */
export function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}
