/**
 * Counts the local changes the server has not confirmed yet ("3 changes not yet saved on the
 * server"). The y-websocket protocol has no acknowledgements, but it has an ordered round trip:
 * the server answers every sync step 1 with exactly one sync step 2, after it has handled every
 * frame sent before it on that socket, and it writes each update to its log before handling the
 * next frame (a failed write closes the socket with 4503 instead of answering). So a step 2 reply
 * confirms every local change that had been sent on that socket before the matching step 1.
 *
 * Bookkeeping (all per socket, a "ledger"):
 * - every local transaction (`transaction.local`) gets the next sequence number;
 * - `sentSeq`: the newest change known to be on the wire. It moves when our sync step 2 goes out
 *   (the answer to the server's step 1 carries everything the server lacks, deletions included)
 *   and, after that handshake, with each live update frame (sent synchronously as the change
 *   happens, so every earlier change is already on the wire);
 * - each outgoing step 1 records `sentSeq` as its marker; each incoming step 2 takes the oldest
 *   marker and confirms everything up to it.
 * The page sends an extra step 1 (a "probe") shortly after changes go out, to get that answer.
 * Unanswered markers die with their socket; the changes stay unconfirmed until a later socket's
 * handshake carries them again. Pure logic: no DOM, no timers.
 */

export interface SocketLedger {
  /** Our sync step 2 has been sent on this socket. */
  handshakeSent: boolean;
  sentSeq: number;
  /** Markers of the step 1 frames sent on this socket and not answered yet, oldest first. */
  pending: number[];
  open: boolean;
}

export type FrameDirection = 'out' | 'in';

export class SaveTracker {
  private localSeq: number;
  private confirmedSeq = 0;
  private readonly listeners = new Set<(unsaved: number) => void>();

  /** `initialUnsaved`: changes left unconfirmed by an earlier page load (they are in IndexedDB). */
  constructor(initialUnsaved = 0) {
    this.localSeq = Math.max(0, Math.floor(initialUnsaved));
  }

  /** Local changes not yet confirmed by the server. */
  get unsaved(): number {
    return this.localSeq - this.confirmedSeq;
  }

  /** The newest change the server has confirmed. */
  get confirmed(): number {
    return this.confirmedSeq;
  }

  /** Call for every local transaction that produced an update; returns its sequence number. */
  localChange(): number {
    this.localSeq++;
    this.emit();
    return this.localSeq;
  }

  openLedger(): SocketLedger {
    return { handshakeSent: false, sentSeq: this.confirmedSeq, pending: [], open: true };
  }

  /** Call after a frame was sent. */
  sent(ledger: SocketLedger, kind: string): void {
    if (!ledger.open) return;
    if (kind === 'sync-step2') {
      ledger.handshakeSent = true;
      ledger.sentSeq = this.localSeq;
    } else if (kind === 'sync-update' && ledger.handshakeSent) {
      ledger.sentSeq = this.localSeq;
    } else if (kind === 'sync-step1') {
      ledger.pending.push(ledger.sentSeq);
    }
  }

  /** Call for every frame received. */
  received(ledger: SocketLedger, kind: string): void {
    if (!ledger.open || kind !== 'sync-step2') return;
    const marker = ledger.pending.shift();
    if (marker !== undefined && marker > this.confirmedSeq) {
      this.confirmedSeq = Math.min(marker, this.localSeq);
      this.emit();
    }
  }

  closed(ledger: SocketLedger): void {
    ledger.open = false;
    ledger.pending = [];
  }

  /** True when changes went out on this socket that no step 1 in flight will confirm. */
  needsProbe(ledger: SocketLedger): boolean {
    if (!ledger.open || !ledger.handshakeSent) return false;
    const newestMarker = ledger.pending.length > 0 ? ledger.pending[ledger.pending.length - 1]! : this.confirmedSeq;
    return ledger.sentSeq > newestMarker;
  }

  onChange(listener: (unsaved: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.unsaved);
  }
}
