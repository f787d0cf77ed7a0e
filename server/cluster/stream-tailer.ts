/**
 * Follows the Redis streams of every doc this instance holds with one blocking XREAD on a
 * dedicated connection. Each follower says where it is (the id of the last entry it applied), so
 * after a network blip or a Redis restart the next read continues from there: nothing is skipped,
 * unlike pub/sub. Following or leaving a stream interrupts the running XREAD (CLIENT UNBLOCK) so
 * the new set of streams is read at once.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export interface StreamEntry {
  id: string;
  fields: Map<string, Buffer>;
}

export interface StreamFollower {
  /** Id of the last entry applied; the next read starts after it. */
  position(): string;
  /** Entries after `position()`, in order. */
  deliver(entries: StreamEntry[]): void;
  /** After a reconnect: check nothing was trimmed past the position while away. */
  resync(): Promise<void>;
}

/** Entries per stream per read: bounds one turn of the loop. */
const READ_COUNT = 1000;
/** A blocked read returns at least this often (also when nothing changed). */
const BLOCK_MS = 5000;

type RawEntries = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

export class StreamTailer {
  #blocking: Redis;
  #commands: Redis;
  #followers = new Map<string, StreamFollower>();
  #blockingClientId: number | null = null;
  #running = true;
  #wake: (() => void) | null = null;
  #loop: Promise<void>;
  #log: Logger;

  /** `blocking` is used for XREAD only; `commands` sends CLIENT UNBLOCK. */
  constructor(blocking: Redis, commands: Redis, log: Logger) {
    this.#blocking = blocking;
    this.#commands = commands;
    this.#log = log;
    let connectedBefore = blocking.status === 'ready';
    blocking.on('ready', () => {
      // A reconnect gives the connection a new client id.
      this.#blockingClientId = null;
      if (connectedBefore) {
        for (const follower of this.#followers.values()) {
          follower.resync().catch((error: unknown) => this.#log.warn({ err: error }, 'catching up after a Redis reconnect failed'));
        }
      }
      connectedBefore = true;
    });
    this.#loop = this.#run();
  }

  follow(key: string, follower: StreamFollower): void {
    this.#followers.set(key, follower);
    this.#interrupt();
  }

  unfollow(key: string): void {
    if (this.#followers.delete(key)) this.#interrupt();
  }

  async close(): Promise<void> {
    this.#running = false;
    this.#interrupt();
    await this.#loop;
  }

  #interrupt(): void {
    if (this.#wake) {
      this.#wake();
      this.#wake = null;
      return;
    }
    const id = this.#blockingClientId;
    if (id !== null) this.#commands.client('UNBLOCK', id).catch(() => undefined);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      if (this.#followers.size === 0) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      try {
        this.#blockingClientId ??= Number(await this.#blocking.client('ID'));
        const keys = [...this.#followers.keys()];
        const positions = keys.map((key) => this.#followers.get(key)!.position());
        const result = (await this.#blocking.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...positions)) as RawEntries;
        for (const [rawKey, rawEntries] of result ?? []) {
          const follower = this.#followers.get(rawKey.toString());
          if (!follower) continue;
          follower.deliver(rawEntries.map(([id, fields]) => ({ id: id.toString(), fields: fieldMap(fields) })));
        }
      } catch (error) {
        if (!this.#running) break;
        this.#log.warn({ err: error }, 'reading the session streams failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

function fieldMap(fields: Buffer[]): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!.toString(), fields[i + 1]!);
  return map;
}

/** Parses XRANGE output (Buffer variant). */
export function parseEntries(raw: Array<[Buffer, Buffer[]]>): StreamEntry[] {
  return raw.map(([id, fields]) => ({ id: id.toString(), fields: fieldMap(fields) }));
}
