/**
 * Peers' presence is cleaned before any view uses it (issue #13): the server already drops colours
 * that are not hex colours and cuts long names, but a style attribute in this page must not depend
 * on that. Registered on the provider's awareness before the editors' own listeners (yCollab's
 * carets and selections), so they only ever see a cleaned state.
 */
import type { Awareness } from 'y-protocols/awareness';
import { displayName, isHexColor } from '../../../shared/presence.ts';

const COLOR_FIELDS = ['color', 'colorLight'] as const;

/** Cleans one state's `user` in place: non-hex colours removed, the name shortened and trimmed. */
export function cleanPresence(state: Record<string, unknown>): void {
  const user = state['user'];
  if (typeof user !== 'object' || user === null) return;
  const fields = user as Record<string, unknown>;
  for (const field of COLOR_FIELDS) if (field in fields && !isHexColor(fields[field])) delete fields[field];
  if (typeof fields['name'] === 'string') fields['name'] = displayName(fields['name']);
  else delete fields['name'];
}

/** Keeps every remote presence state of `awareness` cleaned from now on. */
export function keepPresenceSafe(awareness: Awareness): void {
  awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue;
      const state = awareness.getStates().get(clientId);
      if (state) cleanPresence(state);
    }
  });
}
