/** Issue #13's HTTP edge settings: parsed from the environment, bad values refused by name. */
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../server/config.ts';
import { defaultHostNames, isHostAllowed } from '../../server/http/host-check.ts';
import { redactTokens } from '../../server/http/log-redaction.ts';
import { trustProxyOf } from '../../server/http/trusted-proxies.ts';

describe('edge configuration', () => {
  it('parses timeouts, drain size, trusted proxies and allowed hosts', () => {
    const config = configFromEnv({
      HTTP_REQUEST_TIMEOUT_MS: '30000',
      HTTP_HEADERS_TIMEOUT_MS: '5000',
      HTTP_DRAIN_MAX_BYTES: '1048576',
      TRUSTED_PROXIES: '10.0.0.0/8, ::1,loopback',
      ALLOWED_HOSTS: 'Notes.Example.org., *',
    });
    expect(config).toMatchObject({
      httpRequestTimeoutMs: 30_000,
      httpHeadersTimeoutMs: 5_000,
      httpDrainMaxBytes: 1_048_576,
      trustedProxies: ['10.0.0.0/8', '::1', 'loopback'],
      allowedHosts: ['notes.example.org', '*'],
    });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => configFromEnv({ TRUSTED_PROXIES: 'proxy.example.org' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => configFromEnv({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => configFromEnv({ ALLOWED_HOSTS: 'https://notes.example.org' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => configFromEnv({ ALLOWED_HOSTS: 'notes.example.org:8080' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => configFromEnv({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => configFromEnv({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' })).toThrow(ConfigError);
  });
});

describe('trusted proxies', () => {
  it('trusts no one by default, loopback for TRUST_PROXY_HOPS alone, the list when given, capped by hops', () => {
    expect(trustProxyOf({ trustedProxies: [], trustProxyHops: 0 })).toBe(false);
    const loopback = trustProxyOf({ trustedProxies: [], trustProxyHops: 1 });
    expect(loopback && [loopback('127.0.0.1', 0), loopback('::1', 0), loopback('10.1.2.3', 0), loopback('127.0.0.1', 1)]).toEqual([true, true, false, false]);
    const listed = trustProxyOf({ trustedProxies: ['10.0.0.0/8'], trustProxyHops: 0 });
    expect(listed && [listed('10.1.2.3', 0), listed('10.1.2.3', 3), listed('127.0.0.1', 0), listed('::ffff:10.1.2.3', 0)]).toEqual([true, true, false, true]);
  });
});

describe('host check', () => {
  const allowed = new Set(defaultHostNames('0.0.0.0', 'Laptop.lan'));
  it('accepts IP literals, localhost and the machine names; refuses other names and junk', () => {
    for (const host of ['10.0.0.5:8080', '[2001:db8::1]:8080', 'localhost', 'app.localhost', 'laptop.lan', 'laptop.local:8080']) expect(isHostAllowed(host, allowed), host).toBe(true);
    for (const host of ['evil.example', '10.0.0.5.evil.example', 'localhost.evil.example', '', 'a b', '[::1']) expect(isHostAllowed(host, allowed), host).toBe(false);
    expect(defaultHostNames('notes.internal', 'box')).toContain('notes.internal');
  });
});

describe('log redaction', () => {
  it('redacts every token value in URLs and JSON lines, leaving the rest', () => {
    expect(redactTokens('{"url":"/s/x?token=mcp_abc-DEF_1&a=1","msg":"GET /collab/x?a=2&TOKEN=secret#f"}')).toBe(
      '{"url":"/s/x?token=[redacted]&a=1","msg":"GET /collab/x?a=2&TOKEN=[redacted]#f"}',
    );
    expect(redactTokens('access_token=abc token=')).toBe('access_token=[redacted] token=');
  });
});
