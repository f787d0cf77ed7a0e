import { describe, expect, it } from 'vitest';
import type { MetaData } from '../../server/storage/meta-store.ts';
import { Listeners } from '../../server/meta/meta-notices.ts';
import { addToken, linksOf, LiveTokens, revokeToken } from '../../server/meta/session-links.ts';
import type { Session } from '../../shared/domain.ts';

const session = { id: 's1', eventId: 'e1' } as Session;
const emptyData = (): MetaData => ({ version: 1, events: [], sessions: [] }) as unknown as MetaData;

describe('metadata change listeners', () => {
  it('calls every listener until it is removed', () => {
    const listeners = new Listeners<string>();
    const heard: string[] = [];
    const off = listeners.on((value) => heard.push(`a:${value}`));
    listeners.on((value) => heard.push(`b:${value}`));
    listeners.each((listener) => listener('x'));
    off();
    listeners.each((listener) => listener('y'));
    expect(heard).toEqual(['a:x', 'b:x', 'b:y']);
  });
});

describe('session links over the metadata', () => {
  it('finds a live token by its secret until it is revoked; lists links newest first without hashes', () => {
    const data = emptyData();
    const first = addToken(data, session, 'lead', 'first', '2024-01-01T00:00:00Z');
    const second = addToken(data, session, 'viewer', 'second', '2024-01-02T00:00:00Z');
    const live = new LiveTokens();
    live.index(data);
    expect(live.find(first.token)?.id).toBe(first.info.id);
    expect(live.find('mcp_unknown')).toBeUndefined();
    expect(linksOf(data, 's1').map((t) => t.label)).toEqual(['second', 'first']);
    expect(linksOf(data, 's1').some((t) => 'hash' in t)).toBe(false);

    const revoked = revokeToken(data, 's1', second.info.id, '2024-01-03T00:00:00Z');
    expect(revoked.revokedAt).toBe('2024-01-03T00:00:00Z');
    // A second revoke keeps the first time.
    expect(revokeToken(data, 's1', second.info.id, '2024-01-04T00:00:00Z').revokedAt).toBe('2024-01-03T00:00:00Z');
    live.index(data);
    expect(live.find(second.token)).toBeUndefined();
    expect(() => revokeToken(data, 's1', 'nope', '2024-01-05T00:00:00Z')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
