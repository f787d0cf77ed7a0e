/** The organiser console's calls, all with the admin token; shapes from shared/api. */
import type { ApiEvent, ApiSession, ApiTopic, EventPatchBody, EventsResponse, ImportPreview, ImportProblem, NewEventBody, NewTopicBody, SessionPatchBody } from '../../../shared/api.ts';
import type { ImportFormat, ImportResult, NewTokenResponse, TokenInfo } from '../../../shared/api.ts';
import type { Lead } from '../../../shared/domain.ts';
import type { TokenRole } from '../../../shared/roles.ts';
import { apiCall, type ApiAnswer } from '../api.ts';

export type { ImportPreview, ImportProblem, Lead };
export type SessionPatch = SessionPatchBody;
export type PreviewSession = ImportPreview['sessions'][number];

const enc = encodeURIComponent;
const session = (id: string): string => `/api/sessions/${enc(id)}`;

/** What the import sends: the pasted text or the chosen file's content, with its type. */
export interface ImportSource {
  body: string;
  contentType: 'text/plain' | 'text/markdown' | 'application/json';
  format?: ImportFormat;
  /** Import into this (existing or new) session; only with one session in the source. */
  sessionId?: string;
  eventTitle?: string;
}

function importPath(eventId: string, source: ImportSource, dryRun: boolean): string {
  const query = new URLSearchParams();
  if (source.format) query.set('format', source.format);
  if (source.sessionId) query.set('sessionId', source.sessionId);
  if (source.eventTitle) query.set('eventTitle', source.eventTitle);
  if (dryRun) query.set('dryRun', 'true');
  const text = query.toString();
  return `/api/events/${enc(eventId)}/sessions${text ? `?${text}` : ''}`;
}

/** The console's API, bound to the admin token. */
export function adminApi(token: string) {
  const call = <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => apiCall<T>(method, path, { token, body });
  const raw = <T>(path: string, data: string | Blob, contentType: string): Promise<ApiAnswer<T>> => apiCall<T>('POST', path, { token, raw: { data, contentType } });
  return {
    events: () => call<EventsResponse>('GET', '/api/events'),
    event: (id: string) => call<ApiEvent>('GET', `/api/events/${enc(id)}`),
    session: (id: string) => call<ApiSession>('GET', session(id)),
    createEvent: (body: NewEventBody) => call<ApiEvent>('POST', '/api/events', body),
    editEvent: (id: string, body: EventPatchBody) => call<ApiEvent>('PATCH', `/api/events/${enc(id)}`, body),
    editSession: (id: string, body: SessionPatch) => call<ApiSession>('PATCH', session(id), body),
    addTopic: (id: string, body: NewTopicBody) => call<ApiTopic>('POST', `${session(id)}/topics`, body),
    renameTopic: (id: string, topicId: string, title: string) => call<unknown>('PATCH', `${session(id)}/topics/${enc(topicId)}`, { title }),
    reorderTopics: (id: string, topicIds: string[]) => call<unknown>('PUT', `${session(id)}/topic-order`, { topicIds }),
    archive: (id: string, archived: boolean) => call<unknown>('PUT', `${session(id)}/archived`, { archived }),
    tokens: (id: string) => call<{ tokens: TokenInfo[] }>('GET', `${session(id)}/tokens`),
    createToken: (id: string, role: TokenRole, label?: string) => call<NewTokenResponse>('POST', `${session(id)}/tokens`, label ? { role, label } : { role }),
    revokeToken: (id: string, tokenId: string) => call<TokenInfo>('DELETE', `${session(id)}/tokens/${enc(tokenId)}`),
    preview: (eventId: string, source: ImportSource) => raw<ImportPreview>(importPath(eventId, source, true), source.body, source.contentType),
    import: (eventId: string, source: ImportSource) => raw<ImportResult>(importPath(eventId, source, false), source.body, source.contentType),
    importPad: (id: string, file: Blob, contentType: string) => raw<unknown>(`${session(id)}/import-pad`, file, contentType),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
