/**
 * Reads the metadata API. The last answer for each path is kept in localStorage, so a page
 * reloaded while the server is unreachable still has titles and topics (the notes come from
 * IndexedDB).
 */
import type { ErrorResponse, ImportProblem } from '../../shared/api.ts';
import { authHeaders } from './auth/session-token.ts';

// The API's request and response types come from its schemas (shared/api.ts), never copied here.
export type { AccessResponse, ApiEvent, ApiEventSummary, ApiSession, ApiSessionSummary, ApiTopic, ErrorResponse, EventsResponse } from '../../shared/api.ts';

export type ApiResult<T> =
  | { kind: 'ok'; value: T; fromCache: boolean }
  | { kind: 'not-found' }
  | { kind: 'unreachable' };

const cacheKey = (path: string): string => `mcpad:api:${path}`;

export async function getJson<T>(path: string, token?: string): Promise<ApiResult<T>> {
  try {
    const response = await fetch(path, { headers: { accept: 'application/json', ...authHeaders(token) } });
    if (response.status === 404) {
      localStorage.removeItem(cacheKey(path));
      return { kind: 'not-found' };
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const value = (await response.json()) as T;
    try {
      localStorage.setItem(cacheKey(path), JSON.stringify(value));
    } catch {
      // Storage full: the page still works online.
    }
    return { kind: 'ok', value, fromCache: false };
  } catch {
    const cached = localStorage.getItem(cacheKey(path));
    return cached ? { kind: 'ok', value: JSON.parse(cached) as T, fromCache: true } : { kind: 'unreachable' };
  }
}

/** The answer to a call that is not cached: the value, or the server's error code and message. */
export type ApiAnswer<T> =
  | { ok: true; status: number; value: T }
  | { ok: false; status: number; code: string; message: string; problems?: ImportProblem[] };

export interface ApiCallOptions {
  token?: string | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (a file, pasted text), with its content type. */
  raw?: { data: string | Blob; contentType: string };
}

/** Calls the API with the session's link token; network failures are status 0, code `UNREACHABLE`.
 *  A refused import's `problems` (by line or JSON path) are kept. */
export async function apiCall<T>(method: string, path: string, options: ApiCallOptions = {}): Promise<ApiAnswer<T>> {
  try {
    const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(options.token) };
    let body: string | Blob | undefined;
    if (options.raw) [body, headers['content-type']] = [options.raw.data, options.raw.contentType];
    else if (options.body !== undefined) [body, headers['content-type']] = [JSON.stringify(options.body), 'application/json'];
    const response = await fetch(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const value = (await response.json().catch(() => null)) as unknown;
    if (response.ok) return { ok: true, status: response.status, value: value as T };
    const envelope = value as (Partial<ErrorResponse> & { problems?: ImportProblem[] }) | null;
    const error = envelope?.error;
    return {
      ok: false,
      status: response.status,
      code: error?.code ?? `HTTP_${response.status}`,
      message: error?.message ?? `The server answered ${response.status}.`,
      ...(envelope?.problems ? { problems: envelope.problems } : {}),
    };
  } catch {
    return { ok: false, status: 0, code: 'UNREACHABLE', message: 'The server cannot be reached.' };
  }
}
