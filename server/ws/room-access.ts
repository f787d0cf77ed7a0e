/**
 * Who a WebSocket may be in a session's rooms, and keeping that true while it is open: a revoked
 * link closes the sockets opened with it (4403), and closing an event turns the sockets that could
 * edit only because the event was open read-only (issue #13), on this instance; other instances
 * hear the same changes through the metadata change notices.
 */
import { AppError } from '../../shared/errors.ts';
import { isValidId } from '../../shared/ids.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { can } from '../../shared/roles.ts';
import type { DocService, PeerAccess } from '../docs/doc-service.ts';
import type { PeerConnection, PeerSocket } from '../docs/peer.ts';
import type { AccessPolicy } from '../meta/access-policy.ts';
import type { MetaService } from '../meta/meta-service.ts';

export type Room = { kind: 'notes' | 'state'; sessionId: string };

export class RoomAccess {
  readonly #docs: DocService;
  readonly #state: DocService;
  readonly #access: AccessPolicy;
  readonly #meta: MetaService;
  /** Sockets opened with a session link, by link id, so revoking a link closes them. */
  readonly #byTokenId = new Map<string, Set<PeerSocket>>();
  /** Notes connections that may edit only because their event is open to anyone (no link), by
   *  session. Closing the event re-evaluates them: they stay connected, read-only, and their
   *  edits are answered with permission-denied from then on (the PeerAccess is read per frame). */
  readonly #anonymousWriters = new Map<string, Map<PeerSocket, PeerAccess>>();
  /** Every notes connection that may edit, by session: archiving the session (issue #15) makes
   *  them read-only at once, as closing an event does for anonymous writers. */
  readonly #writers = new Map<string, Map<PeerSocket, PeerAccess>>();
  readonly #stop: Array<() => void>;

  constructor(options: { docs: DocService; state: DocService; access: AccessPolicy; meta: MetaService }) {
    this.#docs = options.docs;
    this.#state = options.state;
    this.#access = options.access;
    this.#meta = options.meta;
    this.#stop = [
      this.#meta.onTokenRevoked((info) => this.#revoked(info.id)),
      this.#meta.onEventClosed((eventId) => this.#eventClosed(eventId)),
      this.#meta.onSessionArchived((sessionId) => this.#archived(sessionId)),
    ];
  }

  /** Resolves the caller's role and attaches the socket to the room's doc, or closes it. */
  attach(room: Room, token: string | undefined, peer: PeerSocket): PeerConnection | null {
    if (!isValidId(room.sessionId)) {
      peer.close(CloseCode.BAD_MESSAGE, 'invalid session id');
      return null;
    }
    let access: PeerAccess;
    try {
      const { role, tokenId, archived } = this.#access.inSession(room.sessionId, token);
      access = { canWrite: room.kind === 'notes' && can(role, 'edit') && archived !== true };
      if (access.canWrite) this.#writers.set(room.sessionId, (this.#writers.get(room.sessionId) ?? new Map()).set(peer, access));
      if (tokenId) this.#byTokenId.set(tokenId, (this.#byTokenId.get(tokenId) ?? new Set()).add(peer));
      if (token === undefined && access.canWrite) {
        this.#anonymousWriters.set(room.sessionId, (this.#anonymousWriters.get(room.sessionId) ?? new Map()).set(peer, access));
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      peer.close(error.closeCode, error.message.slice(0, 120));
      return null;
    }
    return (room.kind === 'notes' ? this.#docs : this.#state).connect(room.sessionId, peer, access);
  }

  /** The socket closed: forget it. */
  detach(sessionId: string, peer: PeerSocket): void {
    for (const peers of this.#byTokenId.values()) peers.delete(peer);
    this.#anonymousWriters.get(sessionId)?.delete(peer);
    this.#writers.get(sessionId)?.delete(peer);
  }

  close(): void {
    for (const stop of this.#stop) stop();
  }

  #revoked(tokenId: string): void {
    for (const peer of this.#byTokenId.get(tokenId) ?? []) peer.close(CloseCode.FORBIDDEN, 'this link was revoked');
    this.#byTokenId.delete(tokenId);
  }

  #archived(sessionId: string): void {
    for (const access of this.#writers.get(sessionId)?.values() ?? []) access.canWrite = false;
    this.#writers.delete(sessionId);
    this.#anonymousWriters.delete(sessionId);
  }

  #eventClosed(eventId: string): void {
    for (const session of this.#meta.sessionsOf(eventId)) {
      const writers = this.#anonymousWriters.get(session.id);
      if (!writers) continue;
      if (can(this.#access.inSession(session.id, undefined).role, 'edit')) continue;
      for (const access of writers.values()) access.canWrite = false;
      this.#anonymousWriters.delete(session.id);
    }
  }
}
