/**
 * Who wrote what (issue #13): records, in the session state doc, the name a client announced in
 * its presence, for client ids whose text really came through that same connection. So:
 *
 * - a connection that never writes (a viewer, a lurker, a script cycling names) records nothing;
 * - a name comes from the writing connection's own presence for that client id, never from
 *   someone else announcing it;
 * - once a client id has a name, only the connection that recorded it may change it (a user
 *   renaming themselves while connected); any other connection, later or at the same time, cannot:
 *   after its writer left, a client id's name is final;
 * - the authors map holds at most `maxAuthors` client ids; text by client ids past that stays in
 *   the notes but is not attributed (logged once per session).
 *
 * Only this instance's own connections are followed: in cluster mode each instance records the
 * writers connected to it.
 */
import { isHexColor } from '../../shared/presence.ts';
import { authorsMap, recordAuthor, type Author } from '../../shared/authorship.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { LiveDoc } from '../docs/live-doc.ts';
import type { PeerSocket } from '../docs/peer.ts';
import type { Logger } from '../logger.ts';

export interface AuthorshipOptions {
  /** Client ids the authors map of one session may hold. */
  maxAuthors: number;
}

/** A name to record for `clientId`, claimed by the connection `peer` that wrote as it. */
interface Claim {
  clientId: number;
  author: Author;
  peer: PeerSocket;
}

type PresenceChange = { added: number[]; updated: number[]; removed: number[] };

export class AuthorshipRecorder {
  #state: DocService;
  #log: Logger;
  #options: AuthorshipOptions;
  /** Client ids each connection recorded a name for (and so may rename). */
  #recorded = new WeakMap<PeerSocket, Set<number>>();
  /** Sessions whose authors map is full, warned about once. */
  #full = new Set<string>();

  constructor(state: DocService, log: Logger, options: AuthorshipOptions) {
    this.#state = state;
    this.#log = log;
    this.#options = options;
  }

  /** Follows a loaded notes doc's writes and presence. */
  watch(notes: LiveDoc): void {
    /** Client ids each connection wrote content as. */
    const wrote = new WeakMap<PeerSocket, Set<number>>();
    /** The author each connection last announced per client id it owns in presence. */
    const announced = new WeakMap<PeerSocket, Map<number, Author>>();
    let pending: Claim[] = [];
    const claim = (clientId: number, author: Author, peer: PeerSocket): void => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ clientId, author, peer });
    };
    const flush = (): void => {
      const batch = pending;
      pending = [];
      this.#state
        .withDoc(notes.sessionId, (live) => live.doc.transact(() => this.#record(live.doc, notes.sessionId, batch)))
        .catch((error: unknown) => this.#log.warn({ err: error, sessionId: notes.sessionId }, 'authorship could not be recorded'));
    };
    notes.onWrite((peer, clientIds) => {
      const ids = setIn(wrote, peer, () => new Set<number>());
      for (const clientId of clientIds) {
        if (ids.has(clientId)) continue;
        ids.add(clientId);
        const author = announced.get(peer)?.get(clientId);
        if (author) claim(clientId, author, peer);
      }
    });
    notes.awareness.on('change', ({ added, updated, removed }: PresenceChange, origin: unknown) => {
      // Presence applied for one of this instance's connections has that connection as origin
      // (other instances' presence has REMOTE_ORIGIN, a symbol; timeouts a string; leaving null).
      if (typeof origin !== 'object' || origin === null) return;
      const peer = origin as PeerSocket;
      const authors = setIn(announced, peer, () => new Map<number, Author>());
      for (const clientId of removed) authors.delete(clientId);
      for (const clientId of [...added, ...updated]) {
        const author = authorOf(notes.awareness.getStates().get(clientId));
        const previous = authors.get(clientId);
        if (!author || (previous && previous.name === author.name && previous.color === author.color)) continue;
        authors.set(clientId, author);
        if (wrote.get(peer)?.has(clientId)) claim(clientId, author, peer);
      }
    });
  }

  /** Applies claims in arrival order: the first connection to name a client id keeps it. */
  #record(doc: Parameters<typeof authorsMap>[0], sessionId: string, claims: readonly Claim[]): void {
    const map = authorsMap(doc);
    for (const { clientId, author, peer } of claims) {
      const recorded = setIn(this.#recorded, peer, () => new Set<number>());
      if (map.has(String(clientId))) {
        if (recorded.has(clientId)) recordAuthor(doc, clientId, author);
        continue;
      }
      if (map.size >= this.#options.maxAuthors) {
        if (!this.#full.has(sessionId)) {
          this.#full.add(sessionId);
          this.#log.warn({ sessionId, maxAuthors: this.#options.maxAuthors }, 'authors map is full (MAX_AUTHORS_PER_SESSION): new writers are not attributed');
        }
        continue;
      }
      recordAuthor(doc, clientId, author);
      recorded.add(clientId);
    }
  }
}

/** The author a presence state announces (already cleaned by the presence policy), or null. */
function authorOf(state: unknown): Author | null {
  const user = (state as { user?: { name?: unknown; color?: unknown } } | undefined)?.user;
  if (typeof user?.name !== 'string' || user.name.trim() === '') return null;
  return { name: user.name.trim(), ...(isHexColor(user.color) ? { color: user.color } : {}) };
}

function setIn<K extends object, V>(map: WeakMap<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}
