/**
 * Who hears about metadata changes that open connections and loaded docs must act on: sessions
 * that gained topics, revoked links, events closed to anonymous editors. Announced for this
 * instance's writes and for other instances' saves alike (cluster mode, issue #8).
 */
import type { Session } from '../../shared/domain.ts';
import type { TokenInfo } from './tokens.ts';

/** A set of listeners; `on` returns the function that removes the listener again. */
export class Listeners<T> {
  #listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `notify` with each listener (so each can get its own copy of the value). */
  each(notify: (listener: (value: T) => void) => void): void {
    for (const listener of this.#listeners) notify(listener);
  }
}

export class MetaNotices {
  /** A session gained topics (an import appended to it). */
  readonly topicsAdded = new Listeners<Session>();
  /** A link was revoked. */
  readonly tokenRevoked = new Listeners<TokenInfo>();
  /** An event's participant access went from open to link. */
  readonly eventClosed = new Listeners<string>();
  /** A session was archived (its open connections lose write access); the session id. */
  readonly sessionArchived = new Listeners<string>();
}
