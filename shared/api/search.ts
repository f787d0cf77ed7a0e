/** Search across every event and session the caller may read (issue #17): GET /api/search. */
import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

export const SEARCH_KIND_VALUES = ['notes', 'action', 'decision', 'session'] as const;
export type SearchKindValue = (typeof SEARCH_KIND_VALUES)[number];

/** Hard ceilings of the schema; the server's configured limits (SEARCH_MAX_QUERY_CHARS,
 *  SEARCH_MAX_LIMIT) are at most these and are checked by the route. */
export const SEARCH_QUERY_CEILING = 2_000;
export const SEARCH_LIMIT_CEILING = 500;

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: SEARCH_QUERY_CEILING, description: 'Words (prefixes and small typos match); "quoted words" must be adjacent' }),
    event: Type.Optional(Id),
    session: Type.Optional(Id),
    person: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Part of a name: speaker, lead, assignee or who recorded the item' })),
    kind: Type.Optional(Type.Unsafe<SearchKindValue>({ type: 'string', enum: [...SEARCH_KIND_VALUES] })),
    status: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'An action\'s status (open, in-progress, done, dropped) or a decision\'s (recorded, agreed)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_LIMIT_CEILING, default: 20 })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-2]-[0-9]{1,9}$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

export const SearchResult = Type.Object({
  eventId: Type.String(),
  eventTitle: Type.String(),
  sessionId: Type.String(),
  sessionTitle: Type.String(),
  topicId: Type.Optional(Type.String()),
  topicTitle: Type.Optional(Type.String()),
  kind: Type.Unsafe<SearchKindValue>({ type: 'string', enum: [...SEARCH_KIND_VALUES] }),
  itemId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  snippet: Type.String({ description: 'HTML-escaped text around the match, matched words in <mark>' }),
  score: Type.Number(),
  archived: Type.Optional(Type.Boolean()),
});

export const SearchResponse = Type.Object(
  { results: Type.Array(SearchResult), nextCursor: Type.Optional(Type.String()) },
  {
    examples: [
      {
        results: [
          {
            eventId: 'lpc2019',
            eventTitle: 'Linux Plumbers Conference 2019',
            sessionId: 'containers-cr',
            sessionTitle: 'Containers and Checkpoint/Restore MC',
            topicId: 'shiftfs',
            topicTitle: 'shiftfs: a filesystem for UID shifting',
            kind: 'notes',
            snippet: '…<mark>shiftfs</mark> is being replaced by idmapped mounts…',
            score: 12.5,
          },
        ],
        nextCursor: '0-20',
      },
    ],
  },
);

export type ApiSearchResult = Static<typeof SearchResult>;
export type ApiSearchResponse = Static<typeof SearchResponse>;
