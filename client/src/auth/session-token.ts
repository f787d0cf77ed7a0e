/**
 * Session links (issue 4): a `?token=` link is kept for its session on this device, stripped from
 * the address bar (so it is not bookmarked or shared by accident), and presented on every API call
 * (`Authorization: Bearer`) and on both WebSockets (`?token=`).
 */
const tokenKey = (sessionId: string): string => `mcpad:token:${sessionId}`;

/** Keeps a `?token=` of the current URL for `sessionId` and removes it from the address bar. */
export function adoptTokenFromUrl(sessionId: string): void {
  const url = new URL(location.href);
  const token = url.searchParams.get('token')?.trim();
  if (!token) return;
  try {
    localStorage.setItem(tokenKey(sessionId), token);
  } catch {
    // Storage unavailable: the link still works for this page load through the URL we read now.
  }
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

/** The link token kept for a session, if any. */
export function sessionToken(sessionId: string): string | undefined {
  return localStorage.getItem(tokenKey(sessionId)) ?? undefined;
}

export function forgetToken(sessionId: string): void {
  localStorage.removeItem(tokenKey(sessionId));
}

/** Request headers presenting `token`, if there is one. */
export function authHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
