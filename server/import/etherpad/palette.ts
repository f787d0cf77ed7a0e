/**
 * Etherpad's author colours. An Etherpad author's `colorId` is either a colour the user picked
 * (`#rrggbb`) or an index into the server's palette (AuthorManager `getColorPalette`, 64 entries
 * since Etherpad 1.x; new authors get a random index). Etherpad resolves it as
 * `palette[colorId] || colorId`: no wrapping, so an index past the palette is no colour at all.
 * Values checked against ether/etherpad-lite src/node/db/AuthorManager.ts (2024-08 revision, the
 * one Etherpad 2.5 ships); written lower-case.
 */
const ETHERPAD_PALETTE: readonly string[] = (
  'ffc7c7 fff1c7 e3ffc7 c7ffd5 c7ffff c7d5ff e3c7ff ffc7f1 ffa8a8 ffe699 cfff9e 99ffb3 a3ffff 99b3ff cc99ff ff99e5 ' +
  'e7b1b1 e9dcaf cde9af bfedcc b1e7e7 c3cdee d2b8ea eec3e6 e9cece e7e0ca d3e5c7 bce1c5 c1e2e2 c1c9e2 cfc1e2 e0bdd9 ' +
  'baded3 a0f8eb b1e7e0 c3c8e4 cec5e2 b1d5e7 cda8f0 f0f0a8 f2f2a6 f5a8eb c5f9a9 ececbb e7c4bc daf0b2 b0a0fd bce2e7 ' +
  'cce2bb ec9afe edabbd aeaeea c4e7b1 d722bb f3a5e7 ffa8a8 d8c0c5 eaaedd adc6eb bedad1 dee9af e9afc2 f8d2a0 b3b3e6'
)
  .split(' ')
  .map((hex) => `#${hex}`);

export const ETHERPAD_PALETTE_SIZE = ETHERPAD_PALETTE.length;

/**
 * The `#rrggbb` colour of an Etherpad `colorId`, or undefined: a `#rrggbb` string as given
 * (lower-cased), a palette index (a number, or a string of digits as older records hold) looked
 * up without wrapping; anything else (out of range, `#abc`, a CSS name) has no colour.
 */
export function etherpadColour(colorId: unknown): string | undefined {
  if (typeof colorId === 'string' && /^#[0-9a-fA-F]{6}$/.test(colorId)) return colorId.toLowerCase();
  const index = typeof colorId === 'number' ? colorId : typeof colorId === 'string' && /^\d{1,3}$/.test(colorId) ? Number(colorId) : NaN;
  return Number.isInteger(index) && index >= 0 ? ETHERPAD_PALETTE[index] : undefined;
}
