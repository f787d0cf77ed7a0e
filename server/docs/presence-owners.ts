/**
 * Who may set which presence (issues #6, #13): a peer may set awareness only for client ids it
 * claimed first (never the server's own), each state at most maxAwarenessStateBytes, at most
 * maxAwarenessIdsPerConnection ids, within the doc's presence caps; fields that reach CSS are
 * checked (presence-policy.ts). Clients of other instances (cluster mode) are theirs to speak for.
 */
import type * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode } from '../../shared/protocol.ts';
import type { AwarenessEntry } from '../../shared/wire.ts';
import type { PeerSocket } from './peer.ts';
import { PresenceBudget } from './presence-budget.ts';
import { acceptPresence } from './presence-policy.ts';
import { filterRemotePresence } from './remote-presence.ts';
import { ProtocolError } from './sync-handler.ts';

export interface PresenceLimits {
  maxAwarenessStateBytes: number;
  maxAwarenessIdsPerConnection: number;
  maxPresenceNameChars: number;
  maxPresenceStatesPerDoc: number;
  maxPresenceBytesPerDoc: number;
}

export class PresenceOwners {
  #awareness: awarenessProtocol.Awareness;
  #limits: PresenceLimits;
  #owners = new Map<number, PeerSocket>();
  /** Presence client ids of other instances' clients (cluster mode), as last announced there. */
  #remoteIds = new Set<number>();
  #budget: PresenceBudget;

  constructor(awareness: awarenessProtocol.Awareness, limits: PresenceLimits) {
    this.#awareness = awareness;
    this.#limits = limits;
    this.#budget = new PresenceBudget({ maxStates: limits.maxPresenceStatesPerDoc, maxBytes: limits.maxPresenceBytesPerDoc });
  }

  /** The entries `peer` (which owns `owned`) may set; others are dropped silently, and a state may
   *  be rewritten (a new object). Throws ProtocolError for what closes the peer. */
  filter(peer: PeerSocket, owned: Set<number>, entries: AwarenessEntry[]): AwarenessEntry[] {
    const allowed: AwarenessEntry[] = [];
    for (const entry of entries) {
      const accepted = this.#accept(peer, owned, entry);
      if (accepted) allowed.push(accepted);
    }
    return allowed;
  }

  /** A peer left: the ids it owned are free again. */
  release(owned: Iterable<number>): void {
    for (const id of owned) {
      this.#owners.delete(id);
      // Also for a state Awareness never applied (e.g. clock 0), which no removal event reports.
      this.#budget.remove(id);
    }
  }

  /** Awareness removed these states (timeout, leave). */
  removed(ids: readonly number[]): void {
    for (const id of ids) this.#budget.remove(id);
  }

  /** The acceptable part of another instance's presence update (null: nothing left) and how
   *  many entries were dropped (too large, or a local client id). */
  filterRemote(update: Uint8Array): { update: Uint8Array | null; dropped: number } {
    const filtered = filterRemotePresence(update, {
      maxAwarenessStateBytes: this.#limits.maxAwarenessStateBytes,
      isLocalId: (clientId) => clientId === this.#awareness.clientID || this.#owners.has(clientId),
    });
    for (const entry of filtered.kept) {
      if (entry.stateJson === 'null') this.#remoteIds.delete(entry.clientId);
      else this.#remoteIds.add(entry.clientId);
    }
    return { update: filtered.update, dropped: filtered.dropped };
  }

  #accept(peer: PeerSocket, owned: Set<number>, entry: AwarenessEntry): AwarenessEntry | null {
    const { clientId } = entry;
    if (clientId === this.#awareness.clientID) return null;
    const owner = this.#owners.get(clientId);
    if (owner !== undefined && owner !== peer) return null;
    // A client of another instance: only that instance speaks for it (the stock provider echoes
    // every presence it hears back to the server; an echo must not claim the id or remove it).
    if (owner === undefined && this.#remoteIds.has(clientId)) return null;
    const bytes = Buffer.byteLength(entry.stateJson, 'utf8');
    if (bytes > this.#limits.maxAwarenessStateBytes) {
      throw new ProtocolError(`awareness state of ${bytes} bytes exceeds the limit of ${this.#limits.maxAwarenessStateBytes}`, CloseCode.MESSAGE_TOO_LARGE);
    }
    let accepted = entry;
    let stateBytes = 0;
    if (entry.stateJson !== 'null') {
      const verdict = acceptPresence(entry.stateJson, { maxNameChars: this.#limits.maxPresenceNameChars });
      if (!verdict.ok) throw new ProtocolError(`invalid awareness state: ${verdict.reason}`);
      if (verdict.changed) accepted = { ...entry, stateJson: verdict.stateJson };
      stateBytes = verdict.changed ? Buffer.byteLength(verdict.stateJson, 'utf8') : bytes;
      if (!this.#budget.fits(clientId, stateBytes)) return null;
    }
    if (entry.stateJson === 'null') {
      // The client left on its own: the id is free again.
      if (owner === peer) {
        this.#owners.delete(clientId);
        owned.delete(clientId);
      }
    } else if (owner === undefined) {
      if (owned.size >= this.#limits.maxAwarenessIdsPerConnection) {
        throw new ProtocolError(`more than ${this.#limits.maxAwarenessIdsPerConnection} awareness client ids on one connection`, CloseCode.RATE_LIMITED);
      }
      this.#owners.set(clientId, peer);
      owned.add(clientId);
    }
    if (entry.stateJson !== 'null') this.#budget.set(clientId, stateBytes);
    return accepted;
  }
}
