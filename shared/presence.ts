/**
 * Presence fields that end up in CSS or on screen (issue #13): `user.color` and `user.colorLight`
 * go into style attributes (carets, selections, swatches, authorship marks), `user.name` into
 * labels. The server checks them before relaying presence; the client checks them again before
 * using them, since a peer on another server version (or a bug) must not be able to inject CSS.
 */

/** `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`: nothing else may reach a style attribute. */
const HEX_COLOR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** Longest display name shown (and, by default, relayed by the server: MAX_PRESENCE_NAME_CHARS). */
export const DISPLAY_NAME_MAX_CHARS = 64;

/** True when `value` is a CSS hex colour of 3, 4, 6 or 8 digits. */
export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOR.test(value);
}

/**
 * `name` as it may be shown: control characters removed, trimmed, at most `maxChars` characters
 * (code points, so an emoji is never cut in half). Empty when nothing is left.
 */
export function displayName(name: string, maxChars: number = DISPLAY_NAME_MAX_CHARS): string {
  // eslint-disable-next-line no-control-regex
  return Array.from(name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()).slice(0, maxChars).join('').trim();
}
