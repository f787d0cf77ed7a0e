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
});
