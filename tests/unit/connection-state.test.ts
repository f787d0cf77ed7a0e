import { describe, expect, it } from 'vitest';
import { connectionStateOf, stateLabel, unsavedLabel, type ConnectionFacts } from '../../client/src/session/connection-state.ts';

const facts = (over: Partial<ConnectionFacts> = {}): ConnectionFacts => ({
  notFound: false,
  everConnected: true,
  failedOnce: true,
  connected: false,
  synced: false,
  unsaved: 2,
  ...over,
});

describe('connection state', () => {
  it('a change the server refused (4400) is named with its reason, not shown as offline', () => {
    const state = connectionStateOf(facts({ refusedReason: 'schema: sections may not be added by clients' }));
    expect(state).toEqual({ kind: 'refused', reason: 'schema: sections may not be added by clients', unsaved: 2 });
    expect(stateLabel(state)).toContain('schema: sections may not be added by clients');
    expect(unsavedLabel(state)).toBe('2 changes not yet saved on the server');
  });

  it('without a refusal a closed connection is offline', () => {
    expect(connectionStateOf(facts()).kind).toBe('offline');
  });
});
