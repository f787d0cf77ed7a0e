/**
 * Joining a cluster (issue #8): the Redis connections of this instance and the shared stores built
 * on them. Three connections, because a connection blocked in XREAD or in subscriber mode cannot
 * run other commands: one for commands, one for the stream tailer, one for pub/sub.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../docs/peer.ts';
import type { DocStore } from '../storage/doc-store.ts';
import { connectRedis } from './redis-connection.ts';
import { RedisChannels } from './redis-channels.ts';
import { createRedisDocStore, newInstanceId } from './redis-doc-store.ts';
import { StreamTailer } from './stream-tailer.ts';

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

export async function joinCluster(config: Readonly<Config> & { redisUrl: string }, log: Logger): Promise<Cluster> {
  const instanceId = newInstanceId();
  const connect = (role: string): Promise<Redis> =>
    connectRedis(config.redisUrl, { name: `mcpad-${instanceId}-${role}`, connectTimeoutMs: config.redisConnectTimeoutMs });
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
  log.info({ instanceId, redis: config.redisUrl.replace(/\/\/[^@]*@/, '//***@') }, 'joined the cluster');
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
        prefix: `${config.redisKeyPrefix}${kind}:`,
        instanceId,
        leaseMs: config.redisLeaseMs,
        retainMs: config.redisStreamRetainMs,
        maxUpdateBytes,
        log,
      }),
    async close() {
      await tailer.close();
      await Promise.all([commands.quit(), blocking.quit(), subscriber.quit()].map((quit) => quit.catch(() => undefined)));
    },
  };
}
