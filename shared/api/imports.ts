/** `POST /api/events/:eventId/sessions`: the import query, bodies and result. */
import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

export const IMPORT_FORMATS = ['page', 'markdown', 'json', 'indico'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const ImportQuery = Type.Object(
  {
    /** Overrides the format detected from the content type and body. */
    format: Type.Optional(Type.Union(IMPORT_FORMATS.map((f) => Type.Literal(f)))),
    /** With exactly one session in the import: its id and title. */
    sessionId: Type.Optional(Id),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    /** Title for the event when the import creates it. */
    eventTitle: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

/** A page (text/plain), an outline (text/markdown) or JSON (session objects, an Indico or mcpad export). */
export const ImportBody = {
  content: {
    'text/plain': { schema: Type.String({ examples: ['Kernel MC\n\nio_uring\nJens\nWhere next.\n'] }) },
    'text/markdown': { schema: Type.String({ examples: ['# Kernel MC\n- io_uring (Jens)\n'] }) },
    'text/x-markdown': { schema: Type.String() },
    'application/json': { schema: Type.Unknown({ examples: [{ sessions: [{ title: 'Kernel MC', topics: [{ title: 'io_uring', speakers: ['Jens'] }] }] }] }) },
  },
};

export const ImportResult = Type.Object(
  {
    eventId: Type.String(),
    eventCreated: Type.Boolean(),
    sessions: Type.Array(
      Type.Object({
        id: Type.String(),
        created: Type.Boolean(),
        /** The lead link's token of a session this import created; shown only here, once. */
        leadToken: Type.Optional(Type.String()),
        addedTopics: Type.Array(Type.String()),
        skippedTopics: Type.Array(Type.String()),
      }),
    ),
    /** For an mcpad JSON export: the notes and action items written per session. */
    restored: Type.Optional(Type.Array(Type.Object({ id: Type.String(), restoredTopics: Type.Array(Type.String()), missingTopics: Type.Array(Type.String()) }))),
  },
  { examples: [{ eventId: 'lpc-2019', eventCreated: true, sessions: [{ id: 'kernel-mc', created: true, leadToken: 'mcp_…', addedTopics: ['io-uring'], skippedTopics: [] }] }] },
);
export type ImportResult = Static<typeof ImportResult>;
