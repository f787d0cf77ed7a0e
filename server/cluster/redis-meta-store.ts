/**
 * Cluster metadata (issue #8): the whole MetaData as one JSON value in Redis (`<prefix>meta`) with
 * a revision counter beside it (`<prefix>meta:rev`). A save compares the revision and writes in one
 * Lua script, so two instances never overwrite each other's change; the script then publishes a
 * notice on `<prefix>meta:changed` that the other instances reload on.
 */
import type { Redis } from 'ioredis';
import { checkMetaVersion, type MetaData, type SharedMetaStore } from '../storage/meta-store.ts';

/** KEYS: data, revision. ARGV: JSON, the revision it is based on (-1: any), channel, instance id.
 *  Returns the new revision, or -1 when the stored one is not the expected one. */
const SAVE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
local basedOn = tonumber(ARGV[2])
if basedOn >= 0 and current ~= basedOn then return -1 end
local revision = current + 1
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], revision)
redis.call('PUBLISH', ARGV[3], cjson.encode({instanceId = ARGV[4], revision = revision}))
return revision
`;

/** A change notice as published by SAVE_SCRIPT. */
interface ChangeNotice {
  instanceId: string;
  revision: number;
}

function noticeFrom(message: string): ChangeNotice | null {
  try {
    const notice = JSON.parse(message) as Partial<ChangeNotice>;
    return typeof notice.instanceId === 'string' && typeof notice.revision === 'number' ? (notice as ChangeNotice) : null;
  } catch {
    return null;
  }
}

/**
 * Metadata in Redis. `redis` runs commands; `subscriber` is a connection in subscriber mode (it
 * may carry other channels too). Neither is closed here: their owner quits them after `close()`.
 */
export function createRedisMetaStore(redis: Redis, subscriber: Redis, prefix: string, instanceId: string): SharedMetaStore {
  const dataKey = `${prefix}meta`;
  const revisionKey = `${prefix}meta:rev`;
  const channel = `${prefix}meta:changed`;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };

  const onMessage = (from: string, message: string): void => {
    if (from !== channel) return;
    // An unreadable notice still means something changed: a reload costs little.
    if (noticeFrom(message)?.instanceId !== instanceId) notify();
  };
  // Notices published while the subscriber was away are lost. ioredis resubscribes on reconnect;
  // subscribing again queues behind that, so the reload it triggers misses nothing after it.
  const onReady = (): void => {
    subscriber.subscribe(channel).then(notify, () => undefined);
  };
  subscriber.on('message', onMessage);
  subscriber.on('ready', onReady);
  // Loads wait for the subscription, so every save after a load is heard of.
  const subscribed = subscriber.subscribe(channel);
  subscribed.catch(() => undefined);

  const runSave = async (data: MetaData, basedOn: number): Promise<number> =>
    Number(await redis.eval(SAVE_SCRIPT, 2, dataKey, revisionKey, JSON.stringify(data), String(basedOn), channel, instanceId));

  const loadRevision = async (): Promise<{ data: MetaData | null; revision: number }> => {
    await subscribed;
    // One MGET: the data and its revision as of the same moment.
    const [json, revision] = await redis.mget(dataKey, revisionKey);
    return { data: json ? checkMetaVersion(JSON.parse(json) as MetaData) : null, revision: revision ? Number(revision) : 0 };
  };

  return {
    shared: true,
    loadRevision,
    async load() {
      return (await loadRevision()).data;
    },
    async save(data) {
      await runSave(data, -1);
    },
    async saveIfCurrent(data, basedOn) {
      const revision = await runSave(data, basedOn);
      return revision < 0 ? { saved: false } : { saved: true, revision };
    },
    onRemoteChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      subscriber.off('message', onMessage);
      subscriber.off('ready', onReady);
      if (subscriber.status === 'ready') await subscriber.unsubscribe(channel);
    },
  };
}
