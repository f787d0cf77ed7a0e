/**
 * The server's configuration: one typed object, validated once at start and frozen. Only
 * server/main.ts reads process.env (through `configFromEnv`); tests build configs directly.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Config {
  port: number;
  host: string;
  /** Runtime data: metadata file, doc logs and snapshots, generated admin token. */
  dataDir: string;
  /** When null, a token is generated on first start and kept in `<dataDir>/admin-token`. */
  adminToken: string | null;
  /** Folder holding the committed seed (event file and session pages) loaded into an empty data dir. */
  seedDir: string | null;
  /** ws maxPayload: largest WebSocket frame accepted (an offline client's first sync can be big). */
  maxMessageBytes: number;
  /** Largest HTTP request body (imports). */
  maxBodyBytes: number;
  /** Group fdatasync of update logs at most this often while dirty. */
  fsyncIntervalMs: number;
  /** Compact a doc (snapshot + new log) once its current log passes this size. */
  compactLogBytes: number;
  /** Keep an idle doc (no connections) in memory this long before storing and unloading it. */
  docIdleUnloadMs: number;
  /** Ping every socket this often; one that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
  /** Checkpoint a session's notes this often while they change. */
  checkpointIntervalMs: number;
  /** Automatic checkpoints kept per session (manual ones and finalised versions are kept forever). */
  maxAutoCheckpoints: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = path.resolve(here, '..');

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  dataDir: path.join(PROJECT_ROOT, 'data', 'runtime'),
  adminToken: null,
  seedDir: path.join(PROJECT_ROOT, 'data', 'seed'),
  maxMessageBytes: 32 * 1024 * 1024,
  maxBodyBytes: 2 * 1024 * 1024,
  fsyncIntervalMs: 100,
  compactLogBytes: 8 * 1024 * 1024,
  docIdleUnloadMs: 30_000,
  pingIntervalMs: 30_000,
  checkpointIntervalMs: 5 * 60_000,
  maxAutoCheckpoints: 100,
  logLevel: 'info',
});

/** Thrown for a bad configuration value; the message names the variable and what it accepts. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment variable → config key, with how to parse it. */
const ENV_SPEC = {
  PORT: { key: 'port', parse: integer(0, 65535) },
  HOST: { key: 'host', parse: nonEmpty },
  DATA_DIR: { key: 'dataDir', parse: (v: string) => path.resolve(nonEmpty(v)) },
  ADMIN_TOKEN: { key: 'adminToken', parse: token },
  SEED_DIR: { key: 'seedDir', parse: (v: string) => (v === 'none' ? null : path.resolve(v)) },
  MAX_MESSAGE_BYTES: { key: 'maxMessageBytes', parse: integer(1024, 1024 ** 3) },
  MAX_BODY_BYTES: { key: 'maxBodyBytes', parse: integer(1024, 1024 ** 3) },
  FSYNC_INTERVAL_MS: { key: 'fsyncIntervalMs', parse: integer(1, 10_000) },
  COMPACT_LOG_BYTES: { key: 'compactLogBytes', parse: integer(4096, 1024 ** 3) },
  DOC_IDLE_UNLOAD_MS: { key: 'docIdleUnloadMs', parse: integer(0, 86_400_000) },
  PING_INTERVAL_MS: { key: 'pingIntervalMs', parse: integer(100, 3_600_000) },
  CHECKPOINT_INTERVAL_MS: { key: 'checkpointIntervalMs', parse: integer(1000, 86_400_000) },
  MAX_AUTO_CHECKPOINTS: { key: 'maxAutoCheckpoints', parse: integer(1, 100_000) },
  LOG_LEVEL: { key: 'logLevel', parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) },
} as const;

export type EnvName = keyof typeof ENV_SPEC;
export const CONFIG_ENV_NAMES = Object.keys(ENV_SPEC) as EnvName[];

/** Builds the config from environment variables; throws ConfigError listing every bad value. */
export function configFromEnv(env: NodeJS.ProcessEnv): Readonly<Config> {
  const overrides: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of CONFIG_ENV_NAMES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const spec = ENV_SPEC[name];
    try {
      overrides[spec.key] = spec.parse(raw);
    } catch (error) {
      problems.push(`${name}=${JSON.stringify(raw)}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return makeConfig(overrides as Partial<Config>);
}

/** Defaults plus overrides, frozen. */
export function makeConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  return Object.freeze({ ...DEFAULT_CONFIG, ...overrides });
}

function integer(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new Error(`expected a whole number from ${min} to ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new Error(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new Error('must not be empty');
  return value.trim();
}

function token(value: string): string {
  if (value.length < 16) throw new Error('must be at least 16 characters (use a long random string)');
  return value;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new Error(`expected one of ${values.join(', ')}`);
    return value as T;
  };
}
