/**
 * The organiser's admin token (issue 15): pasted once on `/admin`, kept in this tab's
 * sessionStorage only (gone when the tab closes), sent as `Authorization: Bearer` over HTTP and
 * never put in a URL.
 */
import { apiCall } from '../api.ts';

const KEY = 'mcpad:admin-token';

export function adminToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function rememberAdminToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetAdminToken(): void {
  sessionStorage.removeItem(KEY);
}

export type TokenCheck = 'valid' | 'wrong' | 'unreachable';

/** Asks a cheap admin-only read (the Etherpad alias table) whether `token` is the admin token. */
export async function checkAdminToken(token: string): Promise<TokenCheck> {
  const answer = await apiCall('GET', '/api/etherpad/aliases', { token });
  if (answer.ok) return 'valid';
  return answer.status === 401 || answer.status === 403 ? 'wrong' : 'unreachable';
}
