/**
 * Per-doc presence caps (issue #13): how many presence states a doc holds for its connections and
 * how many bytes (JSON) they take together. A state that would pass either is not applied and not
 * relayed (its sender keeps its connection and can still edit; its next renewal, every 15 s in
 * y-protocols, is checked again). States other instances relay in cluster mode are theirs to cap.
 */
export interface PresenceCaps {
  maxStates: number;
  maxBytes: number;
}

export class PresenceBudget {
  readonly caps: PresenceCaps;
  #bytes = new Map<number, number>();
  #total = 0;

  constructor(caps: PresenceCaps) {
    this.caps = caps;
  }

  /** True when a state of `bytes` for `clientId` (new, or replacing its current one) fits. */
  fits(clientId: number, bytes: number): boolean {
    const previous = this.#bytes.get(clientId);
    if (previous === undefined && this.#bytes.size >= this.caps.maxStates) return false;
    return this.#total - (previous ?? 0) + bytes <= this.caps.maxBytes;
  }

  /** Counts `clientId`'s state as `bytes` from now on. */
  set(clientId: number, bytes: number): void {
    this.#total += bytes - (this.#bytes.get(clientId) ?? 0);
    this.#bytes.set(clientId, bytes);
  }

  /** The state of `clientId` is gone (left, timed out, its connection closed). */
  remove(clientId: number): void {
    const bytes = this.#bytes.get(clientId);
    if (bytes === undefined) return;
    this.#total -= bytes;
    this.#bytes.delete(clientId);
  }

  get states(): number {
    return this.#bytes.size;
  }

  get bytes(): number {
    return this.#total;
  }
}
