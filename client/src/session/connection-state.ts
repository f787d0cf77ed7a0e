/** What the status bar tells the note-taker about where their typing is (issue 3). */
export type ConnectionState =
  /** First connection attempt, nothing known yet. */
  | { kind: 'connecting'; unsaved: number }
  /** No connection to the server: edits are kept in this browser (IndexedDB) and sent later. */
  | { kind: 'offline'; unsaved: number }
  /** Connected; the first sync or a confirmation of recent changes is still under way. */
  | { kind: 'syncing'; unsaved: number }
  /** Connected, synced, and the server has confirmed every change made here. */
  | { kind: 'saved' }
  /** The server has no such session (close code 4404). */
  | { kind: 'not-found' }
  /** The server refused this page's link (close code 4403: revoked, or for another session). */
  | { kind: 'forbidden' }
  /** The server refused a change or frame of this page (close code 4400, `reason` says which rule):
   *  it is not retried, since the same change would be refused again. */
  | { kind: 'refused'; reason: string; unsaved: number };

export interface ConnectionFacts {
  notFound: boolean;
  forbidden?: boolean;
  /** The close reason of a 4400, when the server refused something this page sent. */
  refusedReason?: string | null;
  everConnected: boolean;
  failedOnce: boolean;
  connected: boolean;
  synced: boolean;
  unsaved: number;
}

export function connectionStateOf(facts: ConnectionFacts): ConnectionState {
  const { unsaved } = facts;
  if (facts.notFound) return { kind: 'not-found' };
  if (facts.forbidden) return { kind: 'forbidden' };
  if (facts.refusedReason) return { kind: 'refused', reason: facts.refusedReason, unsaved };
  if (!facts.connected) return facts.everConnected || facts.failedOnce ? { kind: 'offline', unsaved } : { kind: 'connecting', unsaved };
  if (!facts.synced || unsaved > 0) return { kind: 'syncing', unsaved };
  return { kind: 'saved' };
}

/** The short status text; a read-only viewer is told about liveness, not about saving. */
export function stateLabel(state: ConnectionState, readOnly = false): string {
  switch (state.kind) {
    case 'connecting':
      return 'Connecting…';
    case 'offline':
      return readOnly ? 'Offline — showing the notes as last seen' : 'Offline — changes kept on this device';
    case 'syncing':
      return 'Connected · syncing…';
    case 'saved':
      return readOnly ? 'Connected · live' : 'Connected · all changes saved';
    case 'not-found':
      return 'No such session';
    case 'forbidden':
      return 'Link refused by the server';
    case 'refused':
      return `Disconnected: the server refused a change from this page (${state.reason})`;
  }
}

/** "3 changes not yet saved on the server", or '' when everything is saved. */
export function unsavedLabel(state: ConnectionState): string {
  if (state.kind === 'saved' || state.kind === 'not-found' || state.kind === 'forbidden') return '';
  const n = state.unsaved;
  if (n === 0) return '';
  return `${n} ${n === 1 ? 'change' : 'changes'} not yet saved on the server`;
}
