/**
 * Cluster checkpoints (issue #8), the Redis twin of the file checkpoint store: per session a list
 * of ids in save order (`<prefix>checkpoints:<sessionId>:ids`), their infos
 * (`...:infos`, a hash) and one key per state (`...:state:<id>`, one CRC frame as on disk). The
 * state is written before the id is listed, and unlisted before it is deleted, so a listed
 * checkpoint always has its state.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { isValidId } from '../../shared/ids.ts';
import { isCheckpointId, type CheckpointInfo, type CheckpointStore } from '../storage/checkpoint-store.ts';
import { decodeSingleFrame, encodeFrame } from '../storage/frame-codec.ts';

/** Runs a MULTI transaction; throws the first command's error, else returns the replies. */
async function transaction(multi: ChainableCommander): Promise<unknown[]> {
  const replies = (await multi.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
  return replies.map(([, reply]) => reply);
}

export function createRedisCheckpointStore(redis: Redis, prefix: string): CheckpointStore {
  // Ids come validated from the edge; keys are built from them here, so check again.
  const sessionKeys = (sessionId: string) => {
    if (!isValidId(sessionId)) throw new Error(`invalid session id ${JSON.stringify(sessionId)}`);
    const base = `${prefix}checkpoints:${sessionId}`;
    return { ids: `${base}:ids`, infos: `${base}:infos`, state: (id: string) => `${base}:state:${id}` };
  };
  const checkId = (id: string): string => {
    if (!isCheckpointId(id)) throw new Error(`invalid checkpoint id ${JSON.stringify(id)}`);
    return id;
  };

  return {
    async list(sessionId) {
      const keys = sessionKeys(sessionId);
      // One transaction: the order and the infos as of the same moment.
      const [ids, infos] = (await transaction(redis.multi().lrange(keys.ids, 0, -1).hgetall(keys.infos))) as [string[], Record<string, string>];
      return ids.flatMap((id) => {
        const info = infos[id];
        return info ? [JSON.parse(info) as CheckpointInfo] : [];
      });
    },
    async save(info, state) {
      const keys = sessionKeys(info.sessionId);
      const id = checkId(info.id);
      await redis.set(keys.state(id), encodeFrame(state));
      await transaction(redis.multi().rpush(keys.ids, id).hset(keys.infos, id, JSON.stringify(info)));
    },
    async read(sessionId, id) {
      const stored = await redis.getBuffer(sessionKeys(sessionId).state(checkId(id)));
      if (stored === null) throw new Error(`checkpoint ${sessionId}/${id} does not exist`);
      const decoded = decodeSingleFrame(stored);
      if ('problem' in decoded) throw new Error(`checkpoint ${sessionId}/${id} is damaged: ${decoded.problem}`);
      return decoded.payload;
    },
    async remove(sessionId, ids) {
      const keys = sessionKeys(sessionId);
      ids.forEach(checkId);
      if (ids.length === 0) return;
      const unlist = redis.multi().hdel(keys.infos, ...ids);
      for (const id of ids) unlist.lrem(keys.ids, 0, id);
      await transaction(unlist);
      await redis.del(...ids.map(keys.state));
    },
  };
}
