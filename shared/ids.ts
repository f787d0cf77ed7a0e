/** Ids of events, sessions and topics: lowercase URL-safe slugs, safe as file names. */
export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const ID_PATTERN_SOURCE = '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$';
export const MAX_ID_LENGTH = 64;

/** True when `id` is a well-formed id (1–64 chars of a-z, 0-9 and inner hyphens). */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/**
 * Turns a title into an id: ASCII-folded, lowercase, hyphen-separated, at most `maxLength` chars.
 * Returns `fallback` when nothing usable is left (a title of only symbols).
 */
export function slugify(title: string, maxLength = 48, fallback = 'untitled'): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, maxLength).replace(/-+$/g, '');
  return cut.length > 0 ? cut : fallback;
}

/** Returns `base`, or `base-2`, `base-3`... whichever is not in `taken`. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, MAX_ID_LENGTH - suffix.length).replace(/-+$/g, '') + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}
