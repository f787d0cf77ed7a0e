/**
 * Per-address connection counting and per-connection rate limiting for the WebSocket edge
 * (issue #6). Rates are per connection, never per address: a whole conference room behind one NAT
 * address must be able to work, so the per-address limit only guards against runaway scripts.
 */

/** Counts open connections per remote address. */
export class ConnectionCounter {
  #counts = new Map<string, number>();
  readonly maxPerAddress: number;

  constructor(maxPerAddress: number) {
    this.maxPerAddress = maxPerAddress;
  }

  /** Takes a slot for `address`; false (and nothing taken) when it already has the maximum. */
  tryAcquire(address: string): boolean {
    const count = this.#counts.get(address) ?? 0;
    if (count >= this.maxPerAddress) return false;
    this.#counts.set(address, count + 1);
    return true;
  }

  release(address: string): void {
    const count = this.#counts.get(address) ?? 0;
    if (count <= 1) this.#counts.delete(address);
    else this.#counts.set(address, count - 1);
  }

  count(address: string): number {
    return this.#counts.get(address) ?? 0;
  }
}

/** A token bucket: `ratePerSecond` refill, holding at most `capacity`. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly ratePerSecond: number;
  readonly capacity: number;
  readonly #now: () => number;

  constructor(ratePerSecond: number, capacity: number, now: () => number = () => performance.now()) {
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.#now = now;
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Takes `amount` tokens; false (nothing taken) when there are not enough. */
  take(amount: number): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#last) / 1000) * this.ratePerSecond);
    this.#last = now;
    if (this.#tokens < amount) return false;
    this.#tokens -= amount;
    return true;
  }
}

/** What one connection may send. Issue #4's roles will pick these per role (e.g. viewers lower). */
export interface ConnectionRateLimits {
  maxMessagesPerSecond: number;
  maxBytesPerSecond: number;
  /** Largest single frame (ws maxPayload); the byte bucket holds one of these plus a second's worth. */
  maxMessageBytes: number;
}

/** Why a frame was refused, or null when it may pass. */
export type RateVerdict = null | 'messages' | 'bytes';

/** Message and byte buckets of one connection. A burst of one second's messages, and one
 *  max-size message (an offline client's first sync) on top of a second's bytes, always pass. */
export class ConnectionRateLimiter {
  #messages: TokenBucket;
  #bytes: TokenBucket;
  readonly limits: ConnectionRateLimits;

  constructor(limits: ConnectionRateLimits, now?: () => number) {
    this.limits = limits;
    this.#messages = new TokenBucket(limits.maxMessagesPerSecond, limits.maxMessagesPerSecond, now);
    this.#bytes = new TokenBucket(limits.maxBytesPerSecond, limits.maxBytesPerSecond + limits.maxMessageBytes, now);
  }

  check(frameBytes: number): RateVerdict {
    if (!this.#messages.take(1)) return 'messages';
    if (!this.#bytes.take(frameBytes)) return 'bytes';
    return null;
  }
}
