/**
 * What the read and projector views learn before opening the doc: the link kept for the session
 * (a `?token=` link is adopted and stripped from the address bar, as on the session page), the
 * session's metadata, and whether the server accepts the link at all.
 */
import type { AccessResponse } from '../../../shared/api.ts';
import type { Role } from '../../../shared/roles.ts';
import { apiCall, getJson, type ApiSession } from '../api.ts';
import { adoptTokenFromUrl, sessionToken } from '../auth/session-token.ts';

export type ReadAccess =
  | { kind: 'ok'; token: string | undefined; session: ApiSession | null; role: Role | null }
  | { kind: 'not-found' }
  /** The server refused the link (revoked, or for another session). */
  | { kind: 'refused' };

export async function readAccess(sessionId: string): Promise<ReadAccess> {
  adoptTokenFromUrl(sessionId);
  const token = sessionToken(sessionId);
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const [meta, access] = await Promise.all([getJson<ApiSession>(base, token), apiCall<AccessResponse>('GET', `${base}/access`, { token })]);
  if (meta.kind === 'not-found') return { kind: 'not-found' };
  if (!access.ok && access.status === 403) return { kind: 'refused' };
  // Offline: no metadata; the doc (and the server's own check of the link) still decide.
  return { kind: 'ok', token, session: meta.kind === 'ok' ? meta.value : null, role: access.ok ? access.value.role : null };
}
