/**
 * WebSocket Origin check (issue #6): a browser page on another site must not open a collab socket
 * with the visitor's network position. Browsers always send Origin on WebSocket upgrades; bots and
 * scripts (the stock y-websocket provider under Node) send none and are let through.
 */

/** True when a request with this Origin header may open a socket on a server reached as `host`. */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === '') return true;
  if (allowed.includes('*')) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // includes the literal "null" origin of sandboxed frames and file: pages
  }
  if (allowed.includes(parsed.origin)) return true;
  // Same origin as the page the server itself serves.
  return host !== undefined && parsed.host === host.toLowerCase() && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
}
