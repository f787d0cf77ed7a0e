/** `POST /api/sessions/:sessionId/import-pad`: an Etherpad pad export and the import's result. */
import { Type, type Static } from '@sinclair/typebox';

/** The pad export as Etherpad serves it: `.etherpad` (JSON), `.txt` or `.html`. */
export const PadImportBody = {
  content: {
    'application/json': { schema: Type.Unknown({ description: 'An Etherpad `.etherpad` export (GET /p/<pad>/export/etherpad)' }) },
    'text/plain': { schema: Type.String({ description: 'An Etherpad `.txt` export', examples: ['Android containers\n- binderfs landed in 5.0\n'] }) },
    'text/html': { schema: Type.String({ description: 'An Etherpad `.html` export' }) },
  },
};

export const PadImportResult = Type.Object(
  {
    sessionId: Type.String(),
    /** Topic id → lines written into its notes ("imported-notes" for lines matching no topic). */
    topics: Type.Array(Type.Object({ id: Type.String(), lines: Type.Integer() })),
    /** Names of the Etherpad authors whose text was imported and attributed. */
    authors: Type.Array(Type.String()),
    /** When the pad was last edited (.etherpad only). */
    lastEdited: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { examples: [{ sessionId: 'containers-mc', topics: [{ id: 'android-containers', lines: 4 }, { id: 'imported-notes', lines: 3 }], authors: ['Christian', 'Ada Lovelace', 'Linus'], lastEdited: '2026-12-02T04:49:56.121Z' }] },
);
export type PadImportResult = Static<typeof PadImportResult>;
