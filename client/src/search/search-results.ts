/**
 * Search in the browser (issue #17): calls `GET /api/search`, groups the results by event and
 * session, builds the link to the topic, and turns a snippet into text and marks without ever
 * parsing it as HTML.
 */
import type { ApiSearchResponse, ApiSearchResult } from '../../../shared/api.ts';
import { apiCall, type ApiAnswer } from '../api.ts';

export type SearchHit = ApiSearchResult;

export interface SessionGroup {
  sessionId: string;
  sessionTitle: string;
  archived: boolean;
  hits: SearchHit[];
}

export interface EventGroup {
  eventId: string;
  eventTitle: string;
  sessions: SessionGroup[];
}

export function runSearch(q: string, limit = 30): Promise<ApiAnswer<ApiSearchResponse>> {
  return apiCall('GET', `/api/search?q=${encodeURIComponent(q)}&limit=${limit}`);
}

/** Results grouped by event, then session, in order of each group's best hit. */
export function groupResults(hits: readonly SearchHit[]): EventGroup[] {
  const events = new Map<string, EventGroup>();
  const sessions = new Map<string, SessionGroup>();
  for (const hit of hits) {
    let event = events.get(hit.eventId);
    if (!event) events.set(hit.eventId, (event = { eventId: hit.eventId, eventTitle: hit.eventTitle, sessions: [] }));
    let session = sessions.get(hit.sessionId);
    if (!session) {
      sessions.set(hit.sessionId, (session = { sessionId: hit.sessionId, sessionTitle: hit.sessionTitle, archived: hit.archived === true, hits: [] }));
      event.sessions.push(session);
    }
    session.hits.push(hit);
  }
  return [...events.values()];
}

/** The session page at the hit's topic; `?q=` makes the page highlight the match. */
export function hitHref(hit: SearchHit, q: string): string {
  const base = `/s/${encodeURIComponent(hit.sessionId)}?q=${encodeURIComponent(q)}`;
  return hit.topicId ? `${base}#topic-${encodeURIComponent(hit.topicId)}` : base;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** `a <mark>b</mark> &lt;c&gt;` → [{text: 'a '}, {text: 'b', mark: true}, {text: ' <c>'}]. */
export function snippetParts(snippet: string): Array<{ text: string; mark: boolean }> {
  const parts: Array<{ text: string; mark: boolean }> = [];
  for (const [i, piece] of snippet.split(/<\/?mark>/).entries()) {
    const text = piece.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
    if (text) parts.push({ text, mark: i % 2 === 1 });
  }
  return parts;
}
