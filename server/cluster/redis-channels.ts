/**
 * Pub/sub on one subscriber connection, fanned out by channel. Used for presence, which expires
 * by itself and so may be lost in a blip (documents go through streams instead). ioredis
 * resubscribes after a reconnect.
 */
import type { Redis } from 'ioredis';

export class RedisChannels {
  #subscriber: Redis;
  #handlers = new Map<string, (message: Buffer) => void>();

  constructor(subscriber: Redis) {
    this.#subscriber = subscriber;
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#handlers.get(channel.toString())?.(message));
  }

  async subscribe(channel: string, handler: (message: Buffer) => void): Promise<void> {
    this.#handlers.set(channel, handler);
    await this.#subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    if (!this.#handlers.delete(channel)) return;
    await this.#subscriber.unsubscribe(channel);
  }
}
