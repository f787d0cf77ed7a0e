/**
 * The DocStore contract over the cluster doc store, on a real redis-server (cluster project). Each
 * test joins the cluster with its own key prefix, so tests never see each other's streams.
 */
import { afterAll, beforeAll } from 'vitest';
import { joinCluster, type Cluster } from '../../server/cluster/cluster.ts';
import { makeConfig } from '../../server/config.ts';
import { describeDocStoreContract } from '../helpers/doc-store-contract.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { TEST_ADMIN_TOKEN } from '../helpers/server.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const MAX_UPDATE_BYTES = 1024 * 1024;

let redis: TestRedis;
let cluster: Cluster | null = null;
let tests = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

describeDocStoreContract('Redis store', {
  async create() {
    const config = makeConfig({ redisUrl: redis.url, redisKeyPrefix: `contract${++tests}:`, adminToken: TEST_ADMIN_TOKEN });
    cluster = await joinCluster({ ...config, redisUrl: redis.url }, silent);
    return cluster.docStore('notes', MAX_UPDATE_BYTES);
  },
  async cleanup() {
    await cluster?.close();
    cluster = null;
  },
});
