/**
 * Joining a cluster (issue #8): the Redis connections of this instance and the shared stores built
 * on them. Three connections, because a connection blocked in XREAD or in subscriber mode cannot
 * run other commands: one for commands, one for the stream tailer, one for pub/sub.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { DocStore } from '../storage/doc-store-port.ts';
import { connectRedis } from './redis-connection.ts';
import { RedisChannels } from './redis-channels.ts';
import { createRedisDocStore, newInstanceId } from './redis-doc-store.ts';
import { StreamTailer } from './stream-tailer.ts';

/** What joining takes: the cluster's own settings, not the whole server Config. */
export interface ClusterOptions {
  redisUrl: string;
  redisConnectTimeoutMs: number;
  /** Every key and channel starts with this (several deployments may share one Redis). */
  redisKeyPrefix: string;
  /** How long a doc's lease lasts without renewal (the leader compacts and builds structure). */
  redisLeaseMs: number;
  /** How long stream entries are kept after a compaction (late instances catch up from them). */
  redisStreamRetainMs: number;
}

export interface Cluster {
  readonly instanceId: string;
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly channels: RedisChannels;
  /** A doc store whose keys start with `<REDIS_KEY_PREFIX><kind>:`. */
  docStore(kind: string, maxUpdateBytes: number): DocStore;
  /** Stops following streams and closes the connections (after the docs are closed). */
  close(): Promise<void>;
}

export async function joinCluster(options: Readonly<ClusterOptions>, log: Logger): Promise<Cluster> {
  const instanceId = newInstanceId();
  const connect = (role: string): Promise<Redis> =>
    connectRedis(options.redisUrl, { name: `mcpad-${instanceId}-${role}`, connectTimeoutMs: options.redisConnectTimeoutMs });
  const commands = await connect('commands');
  const blocking = await connect('tail').catch(async (error: unknown) => {
    commands.disconnect();
    throw error;
  });
  const subscriber = await connect('pubsub').catch(async (error: unknown) => {
    commands.disconnect();
    blocking.disconnect();
    throw error;
  });
  for (const [role, connection] of [['commands', commands], ['tail', blocking], ['pubsub', subscriber]] as const) {
    // ioredis reconnects by itself; say so once per outage instead of throwing unhandled errors.
    let down = false;
    connection.on('error', (error: Error) => {
      if (!down) log.warn({ err: error, role }, 'Redis connection lost; reconnecting (edits wait, nothing is relayed unstored)');
      down = true;
    });
    connection.on('ready', () => {
      if (down) log.info({ role }, 'Redis connection back');
      down = false;
    });
  }
  const tailer = new StreamTailer(blocking, commands, log);
  const channels = new RedisChannels(subscriber);
  log.info({ instanceId, redis: options.redisUrl.replace(/\/\/[^@]*@/, '//***@') }, 'joined the cluster');
  return {
    instanceId,
    commands,
    subscriber,
    channels,
    docStore: (kind, maxUpdateBytes) =>
      createRedisDocStore({
        commands,
        tailer,
        channels,
        prefix: `${options.redisKeyPrefix}${kind}:`,
        instanceId,
        leaseMs: options.redisLeaseMs,
        retainMs: options.redisStreamRetainMs,
        maxUpdateBytes,
        log,
      }),
    async close() {
      await tailer.close();
      await Promise.all([commands.quit(), blocking.quit(), subscriber.quit()].map((quit) => quit.catch(() => undefined)));
    },
  };
}
