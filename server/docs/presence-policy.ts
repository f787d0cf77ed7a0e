/**
 * What the server relays of a client's presence (issue #13): a pure function from one awareness
 * state (JSON text, as it came off the wire) to the state to apply and relay, or a refusal.
 *
 * - `user.color` and `user.colorLight` must be hex colours (`#rgb`, `#rgba`, `#rrggbb`,
 *   `#rrggbbaa`); anything else is dropped from the state (the client falls back to its default
 *   colour), never guessed at.
 * - `user.name` must be a string; it is cleaned (control characters, outer spaces) and cut to
 *   `maxNameChars`. A name that is not a string is dropped; a `user` that is not an object too.
 * - Everything else (cursors, custom fields) is relayed as it came.
 * The state is re-encoded only when something changed, so the common case costs one JSON.parse.
 */
import { displayName, isHexColor } from '../../shared/presence.ts';

export interface PresenceRules {
  /** Longest `user.name` relayed, in characters. */
  maxNameChars: number;
}

export type PresenceVerdict = { ok: true; stateJson: string; changed: boolean } | { ok: false; reason: string };

const COLOR_FIELDS = ['color', 'colorLight'] as const;

/** The state to relay for `stateJson` (a non-null awareness state), or why it is refused. */
export function acceptPresence(stateJson: string, rules: PresenceRules): PresenceVerdict {
  let state: unknown;
  try {
    state = JSON.parse(stateJson);
  } catch {
    return { ok: false, reason: 'presence state is not JSON' };
  }
  if (!isObject(state) || !('user' in state)) return { ok: true, stateJson, changed: false };
  const user = state['user'];
  if (!isObject(user)) {
    delete state['user'];
    return changed(state);
  }
  let edited = false;
  for (const field of COLOR_FIELDS) {
    if (field in user && !isHexColor(user[field])) {
      delete user[field];
      edited = true;
    }
  }
  if ('name' in user) {
    const name = user['name'];
    const clean = typeof name === 'string' ? displayName(name, rules.maxNameChars) : '';
    if (clean === '') {
      delete user['name'];
      edited = true;
    } else if (clean !== name) {
      user['name'] = clean;
      edited = true;
    }
  }
  return edited ? changed(state) : { ok: true, stateJson, changed: false };
}

function changed(state: Record<string, unknown>): PresenceVerdict {
  return { ok: true, stateJson: JSON.stringify(state), changed: true };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
