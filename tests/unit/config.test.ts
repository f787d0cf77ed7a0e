import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, DEFAULT_CONFIG } from '../../server/config.ts';

describe('configuration from the environment', () => {
  it('uses defaults and parses given values', () => {
    expect(configFromEnv({})).toEqual(DEFAULT_CONFIG);
    const config = configFromEnv({ PORT: '9000', HOST: '0.0.0.0', FSYNC_INTERVAL_MS: '50', SEED_DIR: 'none' });
    expect(config).toMatchObject({ port: 9000, host: '0.0.0.0', fsyncIntervalMs: 50, seedDir: null });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable and what it accepts', () => {
    let error: unknown;
    try {
      configFromEnv({ PORT: 'eighty', MAX_MESSAGE_BYTES: '-1', ADMIN_TOKEN: 'short', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'MAX_MESSAGE_BYTES', 'ADMIN_TOKEN', 'LOG_LEVEL']) expect(message).toContain(name);
    expect(message).toContain('whole number from 0 to 65535');
  });

  it('cluster mode: REDIS_URL must be a redis URL, and needs one ADMIN_TOKEN for every instance', () => {
    expect(() => configFromEnv({ REDIS_URL: 'http://localhost:6379', ADMIN_TOKEN: 'a-long-enough-admin-token' })).toThrow(/REDIS_URL.*redis:\/\//);
    expect(() => configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/set ADMIN_TOKEN/);
    const config = configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379', ADMIN_TOKEN: 'a-long-enough-admin-token', REDIS_LEASE_MS: '5000' });
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', redisLeaseMs: 5000, redisKeyPrefix: 'mcpad:' });
  });
});
