/**
 * One session doc's presence channel between instances (cluster mode): each instance publishes its
 * own clients' awareness changes on a Redis pub/sub channel and asks the others for theirs when it
 * loads the doc. Messages are `instanceId, type, payload`; an instance ignores its own. Presence is
 * not stored: a lost message is healed by the clients' 15 s renewals.
 */
import type { Logger } from '../logger.ts';
import type { RedisChannels } from './redis-channels.ts';
import type { Redis } from 'ioredis';

const AWARENESS_UPDATE = 0;
const AWARENESS_QUERY = 1;

export interface RedisPresenceOptions {
  commands: Redis;
  channels: RedisChannels;
  /** The channel of this doc. */
  channel: string;
  instanceId: string;
  docId: string;
  log: Logger;
}

export class RedisPresence {
  readonly #options: RedisPresenceOptions;
  #remoteAwareness: ((update: Uint8Array) => void) | null = null;
  #awarenessQuery: (() => void) | null = null;

  constructor(options: RedisPresenceOptions) {
    this.#options = options;
  }

  /** Listens on the channel, then asks the other instances for their clients' presence. */
  async join(): Promise<void> {
    await this.#options.channels.subscribe(this.#options.channel, (message) => this.#onMessage(message));
    this.#publish(AWARENESS_QUERY, new Uint8Array(0));
  }

  async leave(): Promise<void> {
    await this.#options.channels.unsubscribe(this.#options.channel).catch(() => undefined);
  }

  publish(update: Uint8Array): void {
    this.#publish(AWARENESS_UPDATE, update);
  }

  onRemoteAwareness(listener: (update: Uint8Array) => void): void {
    this.#remoteAwareness = listener;
  }

  onAwarenessQuery(listener: () => void): void {
    this.#awarenessQuery = listener;
  }

  #publish(type: number, payload: Uint8Array): void {
    const message = Buffer.concat([Buffer.from(this.#options.instanceId, 'latin1'), Buffer.from([type]), payload]);
    this.#options.commands.publish(this.#options.channel, message).catch(() => undefined);
  }

  #onMessage(message: Buffer): void {
    const idLength = this.#options.instanceId.length;
    if (message.length <= idLength || message.toString('latin1', 0, idLength) === this.#options.instanceId) return;
    const type = message[idLength];
    if (type === AWARENESS_QUERY) this.#awarenessQuery?.();
    else if (type === AWARENESS_UPDATE) {
      try {
        this.#remoteAwareness?.(new Uint8Array(message.subarray(idLength + 1)));
      } catch (error) {
        this.#options.log.warn({ err: error, docId: this.#options.docId }, 'dropped a malformed presence message from another instance');
      }
    }
  }
}
