// Over 350 lines: ENV_SPEC carries each variable's user-facing description (README's table is generated from it).
/**
 * The server's configuration: one typed object, validated once at start and frozen. Only
 * server/main.ts reads process.env (through `configFromEnv`); tests build configs directly.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isValidId } from '../shared/ids.ts';
import { DISPLAY_NAME_MAX_CHARS } from '../shared/presence.ts';
import proxyAddr from '@fastify/proxy-addr';

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
  /** Largest Etherpad pad export accepted by the pad import route (a long-lived pad can be big). */
  padImportMaxBytes: number;
  /** Group fdatasync of update logs at most this often while dirty. */
  fsyncIntervalMs: number;
  /** Compact a doc (snapshot + new log) once its current log passes this size. */
  compactLogBytes: number;
  /** Keep an idle doc (no connections) in memory this long before storing and unloading it. */
  docIdleUnloadMs: number;
  /** Ping every socket this often; one that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
  /** After the server closes a socket, the peer has this long to answer before the TCP is cut. */
  closeHandshakeTimeoutMs: number;
  /** Hold relayed changes this long to send more of them in one write per client (0: next tick). */
  broadcastDelayMs: number;
  /** permessage-deflate: accepted when a client offers it (browsers do); off sends everything plain. */
  wsCompression: boolean;
  /** With compression on, relayed messages shorter than this are sent plain (little to gain). */
  wsCompressionMinBytes: number;
  /** Checkpoint a session's notes this often while they change. */
  checkpointIntervalMs: number;
  /** Automatic checkpoints kept per session (manual ones and finalised versions are kept forever). */
  maxAutoCheckpoints: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest doc (encoded Yjs state) a session may grow to; an update that would pass it is refused (4413). */
  maxDocBytes: number;
  /** Per connection: frames per second (token bucket, burst of one second's worth) before 4429. */
  maxMessagesPerSecond: number;
  /** Per connection: inbound bytes per second (burst: one max-size message plus one second) before 4429. */
  maxBytesPerSecond: number;
  /** Open WebSocket connections from one IP address (a whole room behind one NAT shares one). */
  maxConnectionsPerIp: number;
  /** Session docs held in memory at once; beyond it an idle doc is unloaded or the client told 1013. */
  maxLoadedDocs: number;
  /** A socket whose unsent outgoing data passes this is dropped (a client too far behind). */
  maxBufferedBytes: number;
  /** Largest awareness (presence) state of one client, as JSON. */
  maxAwarenessStateBytes: number;
  /** Awareness client ids one connection may announce (a client has one; reloads may add some). */
  maxAwarenessIdsPerConnection: number;
  /** Per connection: full-state requests (sync step 1, awareness query) per minute. Each costs an
   *  encode of the whole doc and can answer 4 bytes with megabytes; clients send one per connect. */
  maxSyncRequestsPerMinute: number;
  /** Requests per minute per IP on write endpoints (imports). */
  maxWriteRequestsPerMinute: number;
  /** Browser origins allowed on /collab besides the server's own (same host); `*` allows any. */
  allowedOrigins: string[];
  /** Trust X-Forwarded-For from this many proxy hops (0: use the socket address). Needed behind a
   *  reverse proxy, or every client counts as the proxy's address for per-IP limits. */
  trustProxyHops: number;
  /** Cluster mode (issue #8): several instances share sessions through this Redis; null: embedded. */
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several clusters can share one Redis. */
  redisKeyPrefix: string;
  /** How long a session's compaction lease lasts without renewal. */
  redisLeaseMs: number;
  /** Entries stay in a session's stream this long after a snapshot covered them, so an instance
   *  whose tail lags behind a compaction still reads every entry. */
  redisStreamRetainMs: number;
  /** Give up connecting to Redis at start after this long, with a clear error. */
  redisConnectTimeoutMs: number;
  /** Longest presence `user.name` relayed and recorded as an author, in characters (longer: cut). */
  maxPresenceNameChars: number;
  /** Presence states one doc holds for its connections; a new one past it is not relayed. */
  maxPresenceStatesPerDoc: number;
  /** JSON bytes of one doc's presence states together; a state that would pass it is not relayed. */
  maxPresenceBytesPerDoc: number;
  /** Client ids one session's authors map may hold; writers past it are not attributed. */
  maxAuthorsPerSession: number;
  /** Memory budget for the unsent data of one address's sockets: maxBufferedBytes ×
   *  maxConnectionsPerIp must not exceed it (checked at start). */
  maxBufferedBytesPerIp: number;
  /** A request (head and body) must arrive within this; slower ones are cut with 408 (Node's requestTimeout). */
  httpRequestTimeoutMs: number;
  /** A request's head must arrive within this (Node's headersTimeout); at most httpRequestTimeoutMs. */
  httpHeadersTimeoutMs: number;
  /** An error answered before the body arrived (413, 401, 429...) waits for up to this much more
   *  of the body, read and discarded, so a client that sends it whole can read the answer. */
  httpDrainMaxBytes: number;
  /** Addresses or CIDRs (`10.0.0.0/8`, `loopback`) of reverse proxies whose X-Forwarded-For is
   *  believed; empty: loopback when trustProxyHops > 0, else X-Forwarded-For is ignored. */
  trustedProxies: string[];
  /** Host header names accepted besides the default (IP literals, localhost, this machine's name,
   *  HOST); `*` accepts any. Guards against DNS rebinding. */
  allowedHosts: string[];
  /** Manual checkpoints one session may take in any hour (beyond: 429). */
  maxManualCheckpointsPerHour: number;
  /** Manual checkpoints one session keeps (they are never pruned; at the cap: 409). */
  maxManualCheckpoints: number;
  /** /diff: most edits (jsdiff maxEditLength, in words) one topic's diff may need (beyond: 413). */
  maxDiffEditLength: number;
  /** /diff: time one request may spend diffing (jsdiff timeout; beyond: 413). */
  diffTimeoutMs: number;
  /** Rendered exports kept in memory, keyed by the docs' and metadata's state (0: no cache). */
  exportCacheBytes: number;
  /** Per IP: GETs per minute of expensive reads (exports, diff, a checkpoint, follow-ups board,
   *  contributors). A whole room shares one NAT address, hence a generous default. */
  maxExpensiveReadsPerMinute: number;
  /** Key of the Etherpad-compatible API (`/api/1.3.0/...`); null: that API answers code 4 to everyone. */
  etherpadApiKey: string | null;
  /** Event in which the Etherpad API's createPad creates sessions; null: createPad answers code 1. */
  etherpadDefaultEvent: string | null;
  /** An Etherpad API write (appendText, setText, createPad) that is not stored within this fails (code 2). */
  etherpadWriteTimeoutMs: number;
  /** Audit entries kept per event (oldest dropped first). */
  auditMaxEntriesPerEvent: number;
  /** Longest time between a notes change and the recording of its time (getLastEdited). */
  notesEditedFlushMs: number;
  /** Search (issue #17): a changed doc is reindexed this long after its last change (debounced per doc). */
  searchReindexDelayMs: number;
  /** Search: the index file is written at most this often while docs change. */
  searchPersistDelayMs: number;
  /** Search: longest query (`q`) accepted, in characters. */
  searchMaxQueryChars: number;
  /** Search: most results per page (`limit`). */
  searchMaxLimit: number;
  /** Search: most index terms one prefix expands to. */
  searchPrefixMaxTerms: number;
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
  padImportMaxBytes: 32 * 1024 * 1024,
  fsyncIntervalMs: 100,
  compactLogBytes: 8 * 1024 * 1024,
  docIdleUnloadMs: 30_000,
  pingIntervalMs: 30_000,
  closeHandshakeTimeoutMs: 2_000,
  broadcastDelayMs: 3,
  wsCompression: true,
  wsCompressionMinBytes: 1024,
  checkpointIntervalMs: 5 * 60_000,
  maxAutoCheckpoints: 100,
  logLevel: 'info',
  maxDocBytes: 64 * 1024 * 1024,
  maxMessagesPerSecond: 200,
  maxBytesPerSecond: 1024 * 1024,
  maxConnectionsPerIp: 1000,
  maxLoadedDocs: 200,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxAwarenessStateBytes: 16 * 1024,
  maxAwarenessIdsPerConnection: 8,
  maxSyncRequestsPerMinute: 60,
  maxWriteRequestsPerMinute: 600,
  allowedOrigins: [],
  trustProxyHops: 0,
  redisUrl: null,
  redisKeyPrefix: 'mcpad:',
  redisLeaseMs: 15_000,
  redisStreamRetainMs: 60_000,
  redisConnectTimeoutMs: 5_000,
  maxPresenceNameChars: DISPLAY_NAME_MAX_CHARS,
  maxPresenceStatesPerDoc: 1000,
  maxPresenceBytesPerDoc: 1024 * 1024,
  maxAuthorsPerSession: 5000,
  maxBufferedBytesPerIp: 4 * 1024 ** 3,
  httpRequestTimeoutMs: 60_000,
  httpHeadersTimeoutMs: 10_000,
  httpDrainMaxBytes: 16 * 1024 * 1024,
  trustedProxies: [],
  allowedHosts: [],
  maxManualCheckpointsPerHour: 30,
  maxManualCheckpoints: 500,
  maxDiffEditLength: 50_000,
  diffTimeoutMs: 2_000,
  exportCacheBytes: 32 * 1024 * 1024,
  maxExpensiveReadsPerMinute: 600,
  etherpadApiKey: null,
  etherpadDefaultEvent: null,
  etherpadWriteTimeoutMs: 10_000,
  auditMaxEntriesPerEvent: 2000,
  notesEditedFlushMs: 2_000,
  searchReindexDelayMs: 500,
  searchPersistDelayMs: 300_000,
  searchMaxQueryChars: 200,
  searchMaxLimit: 50,
  searchPrefixMaxTerms: 50,
});

/** Thrown for a bad configuration value; the message names the variable and what it accepts. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Environment variable → config key, with how to parse it and what it means to an operator.
 * `doc` (Markdown, one table cell) and `shownDefault` (when DEFAULT_CONFIG's value needs words)
 * are the source of README's configuration table: edit them here, then run `npm run docs:config`.
 */
export const ENV_SPEC = {
  PORT: { key: 'port', parse: integer(0, 65535), doc: 'HTTP and WebSocket port (`0`: any free port)' },
  HOST: { key: 'host', parse: nonEmpty, doc: 'Interface to listen on (`0.0.0.0` for the whole network)' },
  DATA_DIR: {
    key: 'dataDir', parse: (v: string) => path.resolve(nonEmpty(v)),
    doc:
      'Runtime data: `meta.json`, `docs/<sessionId>/`, `admin-token`, `owner.pid`. Created (with ' +
      'missing parents) mode 0700; an existing dir keeps its mode',
  },
  ADMIN_TOKEN: {
    key: 'adminToken', parse: token,
    shownDefault: 'generated',
    doc:
      'Admin bearer token (≥ 16 chars). Unset: generated on first start and kept in ' +
      '`DATA_DIR/admin-token` (mode 0600). At start an existing file that group or others may ' +
      'access is fixed to 0600 with a warning (anyone who read it holds the token: delete the file ' +
      'to get a new one); one that cannot be fixed, or is not a plain file (a symlink), stops the ' +
      'start with a message naming the fix',
  },
  SEED_DIR: {
    key: 'seedDir', parse: (v: string) => (v === 'none' ? null : path.resolve(v)),
    doc: 'Seed loaded into an empty data dir; `none` to start empty',
  },
  MAX_MESSAGE_BYTES: {
    key: 'maxMessageBytes', parse: integer(1024, 1024 ** 3),
    doc: 'Largest WebSocket frame (ws `maxPayload`); an offline client\'s first sync can be large',
  },
  MAX_BODY_BYTES: { key: 'maxBodyBytes', parse: integer(1024, 1024 ** 3), doc: 'Largest HTTP request body' },
  PAD_IMPORT_MAX_BYTES: {
    key: 'padImportMaxBytes', parse: integer(1024, 1024 ** 3),
    doc: 'Largest Etherpad pad export (`.etherpad`, `.txt`, `.html`) accepted by `POST /api/sessions/:sessionId/import-pad`',
  },
  FSYNC_INTERVAL_MS: {
    key: 'fsyncIntervalMs', parse: integer(1, 10_000),
    doc: 'Group `fdatasync` of update logs at most this often while dirty',
  },
  COMPACT_LOG_BYTES: {
    key: 'compactLogBytes', parse: integer(4096, 1024 ** 3),
    doc: 'Compact a doc once its current update log passes this size',
  },
  DOC_IDLE_UNLOAD_MS: {
    key: 'docIdleUnloadMs', parse: integer(0, 86_400_000),
    doc: 'Keep a doc with no clients in memory this long, then store and unload it',
  },
  PING_INTERVAL_MS: {
    key: 'pingIntervalMs', parse: integer(100, 3_600_000),
    doc: 'WebSocket ping interval; a socket that missed a pong is dropped',
  },
  CLOSE_HANDSHAKE_TIMEOUT_MS: {
    key: 'closeHandshakeTimeoutMs', parse: integer(10, 60_000),
    doc:
      'After the server closes a socket (shutdown, limit, revoked link), the client has this long ' +
      'to answer before the TCP is cut',
  },
  BROADCAST_DELAY_MS: {
    key: 'broadcastDelayMs', parse: integer(0, 1000),
    doc:
      'Hold relayed edits and presence this long (after they are on disk) so more of them share one ' +
      'write per client; `0` flushes on the next event-loop turn. At 3 ms scenario (a) of the bench ' +
      'used 68 % instead of 87 % of a core, with no worse latency',
  },
  WS_COMPRESSION: {
    key: 'wsCompression', parse: onOff,
    doc:
      '`on`/`off`: accept permessage-deflate (browsers and `ws` clients offer it) with ' +
      '`server_no_context_takeover`; relayed messages are then compressed once for every such ' +
      'client. Clients that do not offer it get plain frames either way',
  },
  WS_COMPRESSION_MIN_BYTES: {
    key: 'wsCompressionMinBytes', parse: integer(0, 1024 ** 3),
    doc:
      'With compression on, relayed messages shorter than this go plain (a single keystroke and ' +
      'cursor gain little). Replies to one client (its sync step 2) are never compressed by the ' +
      'server',
  },
  CHECKPOINT_INTERVAL_MS: {
    key: 'checkpointIntervalMs', parse: integer(1000, 86_400_000),
    doc: 'Checkpoint a session\'s notes this often while they change',
  },
  MAX_AUTO_CHECKPOINTS: {
    key: 'maxAutoCheckpoints', parse: integer(1, 100_000),
    doc: 'Automatic checkpoints kept per session (manual ones and versions are kept)',
  },
  MAX_DOC_BYTES: {
    key: 'maxDocBytes', parse: integer(4096, 1024 ** 3),
    doc:
      'Largest session doc (encoded Yjs state); an update that would pass it closes its sender with ' +
      '4413. Must be ≥ `MAX_MESSAGE_BYTES`',
  },
  MAX_MESSAGES_PER_SECOND: {
    key: 'maxMessagesPerSecond', parse: integer(1, 1_000_000),
    doc: 'Frames per second on one connection (burst: one second\'s worth); more closes it with 4429',
  },
  MAX_BYTES_PER_SECOND: {
    key: 'maxBytesPerSecond', parse: integer(1024, 1024 ** 3),
    doc:
      'Inbound bytes per second on one connection (burst: one max-size message plus one second\'s ' +
      'worth); more closes it with 4429',
  },
  MAX_CONNECTIONS_PER_IP: {
    key: 'maxConnectionsPerIp', parse: integer(1, 1_000_000),
    doc:
      'Open WebSocket connections from one address (a whole room shares one NAT address: 300 people ' +
      'with two sockets each, plus reloads); IPv6 addresses count per /64, `::ffff:a.b.c.d` as ' +
      '`a.b.c.d`; more get 4429',
  },
  MAX_LOADED_DOCS: {
    key: 'maxLoadedDocs', parse: integer(1, 100_000),
    doc:
      'Session docs in memory at once; at the limit an idle doc is unloaded, else the client gets ' +
      '1013 (HTTP: 503 `SERVER_BUSY`)',
  },
  MAX_BUFFERED_BYTES: {
    key: 'maxBufferedBytes', parse: integer(1024, 1024 ** 3),
    doc:
      'Unsent data queued for one socket before it is dropped as too slow (4408); it reconnects and ' +
      'resyncs. A message is queued whenever the backlog is under this, so a joining client\'s full ' +
      'state goes out whatever its size. `MAX_BUFFERED_BYTES × MAX_CONNECTIONS_PER_IP` must not ' +
      'exceed `MAX_BUFFERED_BYTES_PER_IP`',
  },
  MAX_AWARENESS_STATE_BYTES: {
    key: 'maxAwarenessStateBytes', parse: integer(256, 1024 ** 2),
    doc: 'Largest presence state (JSON) of one client; more closes the sender with 1009',
  },
  MAX_AWARENESS_IDS_PER_CONNECTION: {
    key: 'maxAwarenessIdsPerConnection', parse: integer(1, 1000),
    doc: 'Presence client ids one connection may own; more closes it with 4429',
  },
  MAX_SYNC_REQUESTS_PER_MINUTE: {
    key: 'maxSyncRequestsPerMinute', parse: integer(1, 1_000_000),
    doc:
      'Full-state requests (sync step 1, awareness query) per minute on one connection; each is ' +
      'answered with the whole doc or all presence, and a client sends one per connect; more closes ' +
      'it with 4429',
  },
  MAX_WRITE_REQUESTS_PER_MINUTE: {
    key: 'maxWriteRequestsPerMinute', parse: integer(1, 1_000_000),
    doc:
      'HTTP write requests (POST, PUT, PATCH, DELETE) per address per minute (a whole room shares ' +
      'one NAT address; leads assign through the API); more get 429 `RATE_LIMITED`',
  },
  ALLOWED_ORIGINS: {
    key: 'allowedOrigins', parse: origins,
    doc:
      'Comma-separated browser origins (`https://notes.example.org`) allowed to open `/collab` ' +
      'besides the server\'s own host (as the `Host` header names it: behind a proxy that rewrites ' +
      '`Host`, list the public origin); `*` allows any',
  },
  TRUST_PROXY_HOPS: {
    key: 'trustProxyHops', parse: integer(0, 10),
    doc:
      'Behind a reverse proxy: believe `X-Forwarded-For` from at most this many proxy hops, each of ' +
      'which must be a `TRUSTED_PROXIES` address (loopback when that is empty), so per-address ' +
      'limits see clients, not the proxy. `0` with `TRUSTED_PROXIES` set: every trusted hop',
  },
  REDIS_URL: {
    key: 'redisUrl', parse: redisUrl,
    doc:
      'Cluster mode (see [Several instances](docs/deployment.md#several-instances-cluster-mode)): ' +
      '`redis://[:password@]host:6379[/db]` or `rediss://`. Unset: one embedded instance, nothing ' +
      'else changes. Needs `ADMIN_TOKEN` (the same on every instance)',
  },
  REDIS_KEY_PREFIX: {
    key: 'redisKeyPrefix', parse: nonEmpty,
    doc: 'Prefix of every key and channel, so several clusters can share one Redis',
  },
  REDIS_LEASE_MS: {
    key: 'redisLeaseMs', parse: integer(1000, 600_000),
    doc:
      'A session\'s lease (one instance compacts, checkpoints and adds sections of new topics) lasts ' +
      'this long without renewal; a dead leader is replaced after at most this',
  },
  REDIS_STREAM_RETAIN_MS: {
    key: 'redisStreamRetainMs', parse: integer(100, 86_400_000),
    doc:
      'Entries stay in a session\'s stream this long after a snapshot covered them, so an instance ' +
      'whose tail lags still reads every one',
  },
  REDIS_CONNECT_TIMEOUT_MS: {
    key: 'redisConnectTimeoutMs', parse: integer(100, 600_000),
    doc: 'Give up connecting to Redis at start after this long, with an error naming `REDIS_URL`',
  },
  LOG_LEVEL: {
    key: 'logLevel', parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    doc: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`',
  },
  MAX_PRESENCE_NAME_CHARS: {
    key: 'maxPresenceNameChars', parse: integer(1, 1000),
    doc:
      'Longest presence `user.name` relayed (and recorded as an author), in characters; longer ' +
      'names are cut (see [Real-time protocol](docs/protocol.md#real-time-protocol))',
  },
  MAX_PRESENCE_STATES_PER_DOC: {
    key: 'maxPresenceStatesPerDoc', parse: integer(1, 1_000_000),
    doc:
      'Presence states a session doc holds for its connections; a new one past it is not applied or ' +
      'relayed (the connection stays and can edit)',
  },
  MAX_PRESENCE_BYTES_PER_DOC: {
    key: 'maxPresenceBytesPerDoc', parse: integer(256, 1024 ** 3),
    doc:
      'JSON bytes of a session doc\'s presence states together; a state that would pass it is not ' +
      'applied or relayed. Must be ≥ `MAX_AWARENESS_STATE_BYTES`',
  },
  MAX_AUTHORS_PER_SESSION: {
    key: 'maxAuthorsPerSession', parse: integer(1, 1_000_000),
    doc:
      'Yjs client ids a session\'s authors map holds (each page load that writes is one); text by ' +
      'later writers is kept but not attributed (logged once)',
  },
  MAX_BUFFERED_BYTES_PER_IP: {
    key: 'maxBufferedBytesPerIp', parse: integer(1024, 1024 ** 4),
    doc:
      'Memory budget for the unsent data of one address\'s sockets: the server refuses to start when ' +
      '`MAX_BUFFERED_BYTES × MAX_CONNECTIONS_PER_IP` passes it (defaults: 4 MiB × 1000 = 4 GiB, a ' +
      'sixth of a 24 GiB machine, leaving the rest for `MAX_LOADED_DOCS` docs and the process). ' +
      'Raise it only with the memory to back it',
  },
  HTTP_REQUEST_TIMEOUT_MS: {
    key: 'httpRequestTimeoutMs', parse: integer(100, 3_600_000),
    doc:
      'A whole HTTP request (head and body) must arrive within this, or the connection is cut with ' +
      '408 (a 2 MiB body at 50 KB/s takes 40 s). An open WebSocket is not a request and is not ' +
      'affected',
  },
  HTTP_HEADERS_TIMEOUT_MS: {
    key: 'httpHeadersTimeoutMs', parse: integer(100, 600_000),
    doc:
      'A request\'s head must arrive within this, or 408 (slow-header attacks). At most ' +
      '`HTTP_REQUEST_TIMEOUT_MS`; both are checked every quarter of this (at most every second)',
  },
  HTTP_DRAIN_MAX_BYTES: {
    key: 'httpDrainMaxBytes', parse: integer(0, 1024 ** 3),
    doc:
      'When the server refuses a request before reading its body (413, 401, 429, ...), it reads and ' +
      'discards up to this much more of the body so a client that sends it whole (no `Expect: ' +
      '100-continue`) can read the refusal; past it the answer carries `Connection: close` and the ' +
      'socket is cut',
  },
  TRUSTED_PROXIES: {
    key: 'trustedProxies', parse: proxyList,
    doc:
      'Comma-separated addresses or CIDRs of reverse proxies (`127.0.0.1`, `10.0.0.0/8`, `::1`, or ' +
      '`loopback`, `linklocal`, `uniquelocal`) whose `X-Forwarded-For` is believed. Empty: loopback ' +
      'when `TRUST_PROXY_HOPS` is set, else the header is ignored. See [Deployment behind a ' +
      'proxy](docs/deployment.md#behind-a-reverse-proxy)',
  },
  ALLOWED_HOSTS: {
    key: 'allowedHosts', parse: hostNames,
    doc:
      'Comma-separated host names (`notes.example.org`) the server answers to besides IP addresses, ' +
      '`localhost`, this machine\'s name (and `NAME.local`) and `HOST`; `*` answers to any. Others ' +
      'get 421 `HOST_NOT_ALLOWED` (DNS rebinding guard), on `/collab` too. Behind a proxy, list the ' +
      'public name',
  },
  MAX_MANUAL_CHECKPOINTS_PER_HOUR: {
    key: 'maxManualCheckpointsPerHour', parse: integer(1, 100_000),
    doc:
      'Manual checkpoints one session may take in any hour (counted from the stored checkpoints, so ' +
      'cluster-wide); more get 429 `RATE_LIMITED`. A request of unchanged notes stores nothing and ' +
      'does not count',
  },
  MAX_MANUAL_CHECKPOINTS: {
    key: 'maxManualCheckpoints', parse: integer(1, 1_000_000),
    doc:
      'Manual checkpoints one session keeps (they are never pruned); at the cap a new one gets 409 ' +
      '`CHECKPOINT_LIMIT_REACHED`',
  },
  MAX_DIFF_EDIT_LENGTH: {
    key: 'maxDiffEditLength', parse: integer(100, 100_000_000),
    doc:
      '`/diff`: most word edits one topic\'s diff may need (jsdiff `maxEditLength`); more answers ' +
      '413 `DIFF_TOO_LARGE`',
  },
  DIFF_TIMEOUT_MS: {
    key: 'diffTimeoutMs', parse: integer(10, 600_000),
    doc:
      '`/diff`: time one request may spend diffing (jsdiff `timeout`, shared by its topics); more ' +
      'answers 413 `DIFF_TOO_LARGE`',
  },
  EXPORT_CACHE_BYTES: {
    key: 'exportCacheBytes', parse: integer(0, 1024 ** 3),
    doc:
      'Rendered exports kept in memory (least recently used go first), keyed by the state of every ' +
      'doc and metadata record they read; `0` turns the cache off',
  },
  MAX_EXPENSIVE_READS_PER_MINUTE: {
    key: 'maxExpensiveReadsPerMinute', parse: integer(1, 1_000_000),
    doc:
      'Expensive GETs (exports, diff, one checkpoint or version, follow-ups board, contributors) ' +
      'per address and route per minute; more get 429 `RATE_LIMITED`. Generous because a whole room ' +
      'shares one NAT address',
  },
  ETHERPAD_API_KEY: {
    key: 'etherpadApiKey', parse: token,
    shownDefault: 'unset (API off)',
    doc:
      'Turns on the Etherpad-compatible HTTP API (`/api/1.3.0/<function>`, see ' +
      '[Coming from Etherpad](docs/etherpad.md)): callers pass it as `apikey`, `api_key` or a raw ' +
      '`Authorization` header (≥ 16 chars). Unset: every call is answered code 4 (401)',
  },
  ETHERPAD_DEFAULT_EVENT: {
    key: 'etherpadDefaultEvent', parse: (v: string) => (v === 'none' ? null : eventId(v)),
    shownDefault: 'unset',
    doc:
      'Event id in which the Etherpad API\'s `createPad` creates a one-topic session (created with ' +
      'the event when missing). Unset: `createPad` answers code 1',
  },
  ETHERPAD_WRITE_TIMEOUT_MS: {
    key: 'etherpadWriteTimeoutMs', parse: integer(100, 600_000),
    doc: 'An Etherpad API write (`appendText`, `setText`, `createPad`) not stored within this is answered code 2 (500)',
  },
  AUDIT_MAX_ENTRIES_PER_EVENT: {
    key: 'auditMaxEntriesPerEvent', parse: integer(10, 1_000_000),
    doc:
      'Audit entries (who changed an event\'s sessions, topics, links, imports, and when) kept per event in the ' +
      'metadata; the oldest go first. Read with `GET /api/events/:eventId/audit`',
  },
  NOTES_EDITED_FLUSH_MS: {
    key: 'notesEditedFlushMs', parse: integer(10, 600_000),
    doc:
      'The time of a session\'s last notes change (Etherpad\'s `getLastEdited`) is written to the session state ' +
      'doc at most this long after the change (once per period per session; at once on unload and shutdown)',
  },
  SEARCH_REINDEX_DELAY_MS: {
    key: 'searchReindexDelayMs', parse: integer(0, 1_000),
    doc: 'Search: a changed session is reindexed this long after its last edit (debounced per doc; an edit is searchable within about this plus the indexing time)',
  },
  SEARCH_PERSIST_DELAY_MS: {
    key: 'searchPersistDelayMs', parse: integer(100, 600_000),
    doc: 'Search: the index is written to `DATA_DIR/search-index.json` (atomically) at most this often while docs change, and at shutdown. A write blocks the server while it serialises (about 6 s for 1,000 sessions × 50 KB, see [Search](docs/search.md#figures)); a crash costs only the reindex of what changed since',
  },
  SEARCH_MAX_QUERY_CHARS: {
    key: 'searchMaxQueryChars', parse: integer(1, 2_000),
    doc: 'Search: longest query `q` accepted by `GET /api/search` (400 VALIDATION_FAILED past it)',
  },
  SEARCH_MAX_LIMIT: {
    key: 'searchMaxLimit', parse: integer(1, 500),
    doc: 'Search: most results per page of `GET /api/search` (`limit`)',
  },
  SEARCH_PREFIX_MAX_TERMS: {
    key: 'searchPrefixMaxTerms', parse: integer(1, 10_000),
    doc: 'Search: a word searched as a prefix expands to at most this many index terms, the shortest first (a 3-letter prefix of a large index otherwise expands to hundreds; see [Search](docs/search.md#queries))',
  },
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

/** Defaults plus overrides, frozen; throws ConfigError when limits contradict each other. */
export function makeConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  const config = {
    ...DEFAULT_CONFIG,
    ...overrides,
    allowedOrigins: [...(overrides.allowedOrigins ?? DEFAULT_CONFIG.allowedOrigins)],
    trustedProxies: [...(overrides.trustedProxies ?? DEFAULT_CONFIG.trustedProxies)],
    allowedHosts: [...(overrides.allowedHosts ?? DEFAULT_CONFIG.allowedHosts)],
  };
  // A client's first sync after a long offline stretch is one message: it must fit the doc limit's
  // budget, and a doc must be sendable to a joining client in one message.
  if (config.maxMessageBytes > config.maxDocBytes) {
    throw new ConfigError(`Invalid configuration: MAX_MESSAGE_BYTES (${config.maxMessageBytes}) must not exceed MAX_DOC_BYTES (${config.maxDocBytes})`);
  }
  // One address (a whole room behind NAT, or one attacker) may fill every socket's send buffer.
  const bufferedPerIp = config.maxBufferedBytes * config.maxConnectionsPerIp;
  if (bufferedPerIp > config.maxBufferedBytesPerIp) {
    throw new ConfigError(
      `Invalid configuration: MAX_BUFFERED_BYTES (${config.maxBufferedBytes}) × MAX_CONNECTIONS_PER_IP (${config.maxConnectionsPerIp}) = ${bufferedPerIp} bytes passes MAX_BUFFERED_BYTES_PER_IP (${config.maxBufferedBytesPerIp}): lower one of the two, or raise MAX_BUFFERED_BYTES_PER_IP if the machine has that memory to spare`,
    );
  }
  // A doc must hold at least one client's presence.
  if (config.maxAwarenessStateBytes > config.maxPresenceBytesPerDoc) {
    throw new ConfigError(`Invalid configuration: MAX_AWARENESS_STATE_BYTES (${config.maxAwarenessStateBytes}) must not exceed MAX_PRESENCE_BYTES_PER_DOC (${config.maxPresenceBytesPerDoc})`);
  }
  // Each instance would otherwise generate its own, and a token would work on one instance only.
  if (config.redisUrl && !config.adminToken) {
    throw new ConfigError('Invalid configuration: with REDIS_URL (cluster mode) set ADMIN_TOKEN, the same value on every instance');
  }
  // Node refuses a head timeout longer than the whole request's.
  if (config.httpHeadersTimeoutMs > config.httpRequestTimeoutMs) {
    throw new ConfigError(`Invalid configuration: HTTP_HEADERS_TIMEOUT_MS (${config.httpHeadersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${config.httpRequestTimeoutMs})`);
  }
  Object.freeze(config.allowedOrigins);
  Object.freeze(config.trustedProxies);
  Object.freeze(config.allowedHosts);
  return Object.freeze(config);
}

function integer(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new Error(`expected a whole number from ${min} to ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new Error(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Comma-separated origins (`https://host[:port]`) or `*`. */
function origins(value: string): string[] {
  const list = value.split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new Error(`expected comma-separated origins like https://notes.example.org, got "${origin}"`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) throw new Error(`"${origin}" is not an origin (scheme://host[:port], no path)`);
  }
  return list.map((o) => (o === '*' ? o : new URL(o).origin));
}

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new Error('must not be empty');
  return value.trim();
}

function redisUrl(value: string): string | null {
  if (value.trim() === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new Error(`expected a URL like redis://127.0.0.1:6379, got "${value}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`expected a redis:// or rediss:// URL, got "${value}"`);
  return value.trim();
}

function eventId(value: string): string {
  if (!isValidId(value)) throw new Error('must be an id: lowercase letters, digits and inner dashes');
  return value;
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

function onOff(value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (normalized === 'on' || normalized === 'true' || normalized === '1') return true;
  if (normalized === 'off' || normalized === 'false' || normalized === '0') return false;
  throw new Error('expected on or off');
}

/** Comma-separated proxy addresses or CIDRs, as @fastify/proxy-addr (Fastify's trustProxy) reads them. */
function proxyList(value: string): string[] {
  const list = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const entry of list) {
    try {
      proxyAddr.compile(entry);
    } catch {
      throw new Error(`expected comma-separated addresses or CIDRs like 127.0.0.1, 10.0.0.0/8, ::1 or loopback, got "${entry}"`);
    }
  }
  return list;
}

/** Comma-separated host names (no scheme, no port) or `*`. */
function hostNames(value: string): string[] {
  const list = value.split(',').map((h) => h.trim().toLowerCase().replace(/\.$/, '')).filter((h) => h !== '');
  for (const host of list) {
    if (host !== '*' && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
      throw new Error(`expected comma-separated host names like notes.example.org (no scheme or port), or *, got "${host}"`);
    }
  }
  return list;
}
