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
    /** Preview only (issue #15): answer what the import would do, write nothing. */
    dryRun: Type.Optional(Type.Boolean()),
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

/** A problem in an imported document: `where` is a line (`line 12`) or a JSON path (`$.sessions[0].title`). */
export const ImportProblem = Type.Object({ where: Type.String(), message: Type.String() });
export type ImportProblem = Static<typeof ImportProblem>;

/** `?dryRun=true`: what the import would do; nothing is written. */
export const ImportPreview = Type.Object(
  {
    dryRun: Type.Literal(true),
    sessions: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        leads: Type.Array(Type.Object({ name: Type.String(), email: Type.Optional(Type.String()) })),
        schedule: Type.Optional(Type.Object({ start: Type.String(), end: Type.Optional(Type.String()), room: Type.Optional(Type.String()) })),
        /** The session exists already: only its `new` topics would be added. */
        exists: Type.Boolean(),
        topics: Type.Array(
          Type.Object({
            id: Type.String(),
            title: Type.String(),
            speakers: Type.Array(Type.String()),
            status: Type.Union([Type.Literal('new'), Type.Literal('existing')]),
          }),
        ),
      }),
    ),
    problems: Type.Array(ImportProblem),
  },
  {
    examples: [
      {
        dryRun: true,
        sessions: [{ id: 'kernel-mc', title: 'Kernel MC', leads: [{ name: 'Ada' }], exists: false, topics: [{ id: 'io-uring', title: 'io_uring', speakers: ['Jens'], status: 'new' }] }],
        problems: [{ where: 'line 12', message: 'topic "io_uring" appears twice in the import: the repeat is skipped' }],
      },
    ],
  },
);
export type ImportPreview = Static<typeof ImportPreview>;

/** A document the import cannot use (400 IMPORT_INVALID), with the problem's place. */
export const ImportRefusedResponse = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String() }),
    problems: Type.Optional(Type.Array(ImportProblem)),
  },
  { examples: [{ error: { code: 'IMPORT_INVALID', message: 'sessions[0].title: expected a non-empty string' }, problems: [{ where: '$.sessions[0].title', message: 'sessions[0].title: expected a non-empty string' }] }] },
);
