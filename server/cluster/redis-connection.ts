/**
 * Redis connections of a cluster instance (issue #8). Connecting at start fails fast with a clear
 * error instead of hanging; once running, ioredis reconnects by itself and queues commands while
 * Redis is away (a Redis restart delays edits, it does not drop them).
 */
import { Redis } from 'ioredis';

export interface RedisConnectOptions {
  /** Shown in `CLIENT LIST` (e.g. "mcpad-3f2a-commands"). */
  name: string;
  connectTimeoutMs: number;
}

/** Thrown when Redis cannot be reached at start; the message names the URL, the cause and the fix. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Opens a connection and waits until Redis answers; rejects with RedisUnreachableError. */
export async function connectRedis(url: string, options: RedisConnectOptions): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: options.name,
    connectTimeout: options.connectTimeoutMs,
    // Once connected, a command waits for Redis to come back rather than failing after 20 tries:
    // an edit that cannot be written is never relayed, and waiting keeps it.
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
  });
  let lastError: Error | null = null;
  const onError = (error: Error): void => {
    lastError = error;
  };
  redis.on('error', onError);
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_resolve, reject) =>
        setTimeout(() => reject(lastError ?? new Error(`no answer within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs).unref(),
      ),
    ]);
  } catch (error) {
    redis.disconnect();
    const cause = (lastError ?? (error as Error)).message;
    throw new RedisUnreachableError(
      `cannot reach Redis at ${redactedUrl(url)} (REDIS_URL): ${cause}. Start redis-server (see the deployment guide in the README), fix REDIS_URL, or unset it to run a single instance without Redis.`,
    );
  }
  return redis;
}
