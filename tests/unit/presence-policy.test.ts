/** Issue #13, the pure parts: the presence policy, the per-doc presence budget, the client's own
 *  cleaning, the per-address key, and the buffered-bytes budget of the configuration. */
import { describe, expect, it } from 'vitest';
import { cleanPresence } from '../../client/src/session/safe-presence.ts';
import { ConfigError, configFromEnv, DEFAULT_CONFIG, makeConfig } from '../../server/config.ts';
import { PresenceBudget } from '../../server/docs/presence-budget.ts';
import { acceptPresence } from '../../server/docs/presence-policy.ts';
import { addressKey } from '../../server/ws/address-key.ts';
import { displayName, isHexColor } from '../../shared/presence.ts';

const rules = { maxNameChars: 10 };
const accepted = (state: unknown) => {
  const verdict = acceptPresence(JSON.stringify(state), rules);
  if (!verdict.ok) throw new Error(verdict.reason);
  return JSON.parse(verdict.stateJson);
};

describe('presence policy', () => {
  it('accepts #rgb, #rgba, #rrggbb and #rrggbbaa and nothing else', () => {
    for (const color of ['#abc', '#ABCD', '#a1b2c3', '#a1b2c3d4']) expect(isHexColor(color)).toBe(true);
    for (const color of ['red', '#12345', '#1234567', 'abc', '#abc;', '#abc)', 'url(x)', '#ggg', ' #abc', '', null, 12]) expect(isHexColor(color)).toBe(false);
  });

  it('drops colours that are not hex colours, keeps valid ones, and leaves other fields as they came', () => {
    const state = { user: { name: 'Ann', color: 'red;background:url(//evil)', colorLight: '#11223344' }, cursor: { anchor: { x: 1 } } };
    expect(accepted(state)).toEqual({ user: { name: 'Ann', colorLight: '#11223344' }, cursor: { anchor: { x: 1 } } });
    expect(accepted({ user: { name: 'Ann', color: 42 } })).toEqual({ user: { name: 'Ann' } });
  });

  it('cuts names to maxNameChars characters (not UTF-16 units), trims them and strips control characters', () => {
    expect(accepted({ user: { name: '  ' + '😀'.repeat(12) + '  ' } }).user.name).toBe('😀'.repeat(10));
    expect(accepted({ user: { name: 'A\u0000n\u001bn\n' } }).user.name).toBe('Ann');
    expect(accepted({ user: { name: '   ', color: '#abc' } })).toEqual({ user: { color: '#abc' } });
    expect(accepted({ user: { name: { toString: 1 } } })).toEqual({ user: {} });
    expect(accepted({ user: 'Ann' })).toEqual({});
  });

  it('passes a valid state through untouched (no re-encoding) and refuses text that is not JSON', () => {
    const json = '{"user":{"name":"Ann","color":"#3366cc","colorLight":"#3366cc33"},"cursor":null}';
    expect(acceptPresence(json, rules)).toEqual({ ok: true, stateJson: json, changed: false });
    expect(acceptPresence('[1,2]', rules)).toEqual({ ok: true, stateJson: '[1,2]', changed: false });
    expect(acceptPresence('{"user":', rules).ok).toBe(false);
  });

  it('the client cleans peers’ states the same way before any view uses them', () => {
    const state: Record<string, unknown> = { user: { name: `  ${'x'.repeat(100)} `, color: 'expression(alert(1))', colorLight: '#abc' } };
    cleanPresence(state);
    expect(state).toEqual({ user: { name: 'x'.repeat(64), colorLight: '#abc' } });
    expect(displayName('  Ann  ')).toBe('Ann');
  });
});

describe('per-doc presence budget', () => {
  it('caps the number of states and their bytes; replacing a state counts only the difference', () => {
    const budget = new PresenceBudget({ maxStates: 2, maxBytes: 100 });
    expect(budget.fits(1, 40)).toBe(true);
    budget.set(1, 40);
    budget.set(2, 40);
    expect(budget.fits(3, 1)).toBe(false); // a third state
    expect(budget.fits(2, 60)).toBe(true); // 40 + 60
    expect(budget.fits(2, 61)).toBe(false);
    budget.remove(1);
    expect([budget.states, budget.bytes]).toEqual([1, 40]);
    expect(budget.fits(3, 60)).toBe(true);
    budget.remove(1); // twice: no effect
    expect(budget.bytes).toBe(40);
  });
});

describe('per-address key', () => {
  it('IPv6 counts by /64, IPv4-mapped IPv6 as the IPv4 address, IPv4 as itself', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).not.toBe(addressKey('192.0.2.8'));
  });
});

describe('memory budget of send buffers', () => {
  it('the defaults keep MAX_BUFFERED_BYTES × MAX_CONNECTIONS_PER_IP within MAX_BUFFERED_BYTES_PER_IP, a documented 4 GiB', () => {
    const config = configFromEnv({});
    expect(config.maxBufferedBytesPerIp).toBe(4 * 1024 ** 3);
    expect(config.maxBufferedBytes * config.maxConnectionsPerIp).toBeLessThanOrEqual(config.maxBufferedBytesPerIp);
    // A whole conference room (300 people, two sockets each, reloads) still fits behind one address.
    expect(config.maxConnectionsPerIp).toBeGreaterThanOrEqual(1000);
  });

  it('refuses a combination past the budget, naming the variables; raising the budget allows it', () => {
    expect(() => configFromEnv({ MAX_BUFFERED_BYTES: String(64 * 1024 ** 2) })).toThrow(ConfigError);
    expect(() => configFromEnv({ MAX_BUFFERED_BYTES: String(64 * 1024 ** 2) })).toThrow(/MAX_BUFFERED_BYTES_PER_IP/);
    expect(() => configFromEnv({ MAX_BUFFERED_BYTES: String(64 * 1024 ** 2), MAX_CONNECTIONS_PER_IP: '10' })).not.toThrow();
    expect(configFromEnv({ MAX_BUFFERED_BYTES: String(8 * 1024 ** 2), MAX_BUFFERED_BYTES_PER_IP: String(8 * 1024 ** 3) }).maxBufferedBytes).toBe(8 * 1024 ** 2);
    expect(() => configFromEnv({ MAX_BUFFERED_BYTES_PER_IP: 'lots' })).toThrow(/MAX_BUFFERED_BYTES_PER_IP/);
  });

  it('parses the presence and authorship limits; a doc must hold at least one presence state', () => {
    const config = configFromEnv({ MAX_PRESENCE_NAME_CHARS: '32', MAX_PRESENCE_STATES_PER_DOC: '50', MAX_PRESENCE_BYTES_PER_DOC: '65536', MAX_AUTHORS_PER_SESSION: '10' });
    expect(config).toMatchObject({ maxPresenceNameChars: 32, maxPresenceStatesPerDoc: 50, maxPresenceBytesPerDoc: 65536, maxAuthorsPerSession: 10 });
    expect(() => configFromEnv({ MAX_PRESENCE_STATES_PER_DOC: '0' })).toThrow(/MAX_PRESENCE_STATES_PER_DOC/);
    expect(() => makeConfig({ maxPresenceBytesPerDoc: 1000, maxAwarenessStateBytes: 2000 })).toThrow(/MAX_PRESENCE_BYTES_PER_DOC/);
    expect(DEFAULT_CONFIG.maxPresenceNameChars).toBe(64);
  });
});
