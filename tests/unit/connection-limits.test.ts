import { describe, expect, it } from 'vitest';
import { ConnectionCounter, ConnectionRateLimiter, TokenBucket } from '../../server/ws/connection-limits.ts';
import { isOriginAllowed } from '../../server/ws/origin-check.ts';
import { ConfigError, configFromEnv, makeConfig } from '../../server/config.ts';

describe('token bucket', () => {
  it('allows a burst up to its capacity, then refills at its rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 10, () => now);
    for (let i = 0; i < 10; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now += 500;
    for (let i = 0; i < 5; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now += 60_000;
    for (let i = 0; i < 10; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });
});

describe('connection rate limiter', () => {
  it('lets one max-size message through on top of a second of bytes, and names the exceeded rate', () => {
    let now = 0;
    const limiter = new ConnectionRateLimiter({ maxMessagesPerSecond: 100, maxBytesPerSecond: 1000, maxMessageBytes: 50_000 }, () => now);
    expect(limiter.check(50_000)).toBeNull();
    expect(limiter.check(1000)).toBeNull();
    expect(limiter.check(10)).toBe('bytes');
    now += 1000;
    expect(limiter.check(900)).toBeNull();
    const chatty = new ConnectionRateLimiter({ maxMessagesPerSecond: 5, maxBytesPerSecond: 1e9, maxMessageBytes: 1 }, () => now);
    for (let i = 0; i < 5; i++) expect(chatty.check(1)).toBeNull();
    expect(chatty.check(1)).toBe('messages');
  });
});

describe('connection counter', () => {
  it('counts per address and frees slots', () => {
    const counter = new ConnectionCounter(2);
    expect(counter.tryAcquire('10.0.0.1')).toBe(true);
    expect(counter.tryAcquire('10.0.0.1')).toBe(true);
    expect(counter.tryAcquire('10.0.0.1')).toBe(false);
    expect(counter.tryAcquire('10.0.0.2')).toBe(true);
    counter.release('10.0.0.1');
    expect(counter.count('10.0.0.1')).toBe(1);
    expect(counter.tryAcquire('10.0.0.1')).toBe(true);
  });
});

describe('origin check', () => {
  it('allows no Origin, the own host and listed origins; refuses others, null and junk', () => {
    const allowed = ['https://notes.example.org'];
    expect(isOriginAllowed(undefined, 'mcpad.local:8080', allowed)).toBe(true);
    expect(isOriginAllowed('http://mcpad.local:8080', 'mcpad.local:8080', allowed)).toBe(true);
    expect(isOriginAllowed('https://notes.example.org', 'mcpad.local:8080', allowed)).toBe(true);
    expect(isOriginAllowed('https://evil.example', 'mcpad.local:8080', allowed)).toBe(false);
    expect(isOriginAllowed('http://mcpad.local:8081', 'mcpad.local:8080', allowed)).toBe(false);
    expect(isOriginAllowed('null', 'mcpad.local:8080', allowed)).toBe(false);
    expect(isOriginAllowed('not a url', 'mcpad.local:8080', allowed)).toBe(false);
    expect(isOriginAllowed('https://evil.example', 'x', ['*'])).toBe(true);
  });
});

describe('limit configuration', () => {
  it('parses every limit from the environment and refuses bad values by name', () => {
    const config = configFromEnv({
      MAX_DOC_BYTES: '100000000',
      MAX_MESSAGES_PER_SECOND: '50',
      MAX_BYTES_PER_SECOND: '100000',
      MAX_CONNECTIONS_PER_IP: '500',
      MAX_LOADED_DOCS: '10',
      MAX_BUFFERED_BYTES: '1048576',
      MAX_AWARENESS_STATE_BYTES: '4096',
      MAX_AWARENESS_IDS_PER_CONNECTION: '4',
      MAX_WRITE_REQUESTS_PER_MINUTE: '10',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
      TRUST_PROXY_HOPS: '1',
    });
    expect(config).toMatchObject({
      maxDocBytes: 100_000_000,
      maxMessagesPerSecond: 50,
      maxConnectionsPerIp: 500,
      maxLoadedDocs: 10,
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
      trustProxyHops: 1,
    });
    expect(() => configFromEnv({ ALLOWED_ORIGINS: 'https://a.example/path' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => configFromEnv({ MAX_CONNECTIONS_PER_IP: '0' })).toThrow(/MAX_CONNECTIONS_PER_IP/);
    expect(() => makeConfig({ maxMessageBytes: 2_000_000, maxDocBytes: 1_000_000 })).toThrow(ConfigError);
  });

  it('defaults let a whole conference room share one address', () => {
    const config = configFromEnv({});
    expect(config.maxConnectionsPerIp).toBeGreaterThanOrEqual(1000);
    expect(config.maxMessageBytes).toBeLessThanOrEqual(config.maxDocBytes);
  });
});
