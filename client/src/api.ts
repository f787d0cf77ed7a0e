/**
 * Reads the metadata API. The last answer for each path is kept in localStorage, so a page
 * reloaded while the server is unreachable still has titles and topics (the notes come from
 * IndexedDB).
 */
export interface ApiTopic {
  id: string;
  title: string;
  speakers: string[];
  abstract: string;
}

export interface ApiSession {
  id: string;
  eventId: string;
  title: string;
  description: string;
  leads: { name: string; email?: string }[];
  schedule?: { start: string; end?: string; room?: string };
  topics: ApiTopic[];
  online: number;
}

export interface ApiEventSummary {
  id: string;
  title: string;
  description: string;
  sessionCount: number;
}

export interface ApiEvent {
  id: string;
  title: string;
  description: string;
  sessions: ApiSession[];
}

export type ApiResult<T> =
  | { kind: 'ok'; value: T; fromCache: boolean }
  | { kind: 'not-found' }
  | { kind: 'unreachable' };

const cacheKey = (path: string): string => `mcpad:api:${path}`;

export async function getJson<T>(path: string): Promise<ApiResult<T>> {
  try {
    const response = await fetch(path, { headers: { accept: 'application/json' } });
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
