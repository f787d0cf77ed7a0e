/**
 * The Etherpad-compatible HTTP API (issue #16): `/api/<version>/<function>` answers in Etherpad's
 * envelope, whatever the function, so scripts written for Etherpad run unchanged (docs/etherpad.md).
 */
import { Type, type Static } from '@sinclair/typebox';

/** The versions answered: `1`, any `1.2.x`, and `1.3.0` (Etherpad 2.x's latest). */
export const ETHERPAD_VERSION_PATTERN = '^(1|1\\.2(\\.\\d+)?|1\\.3\\.0)$';
export const ETHERPAD_CURRENT_VERSION = '1.3.0';

const field = (description: string) => Type.Optional(Type.String({ description }));

/** Query or form fields, as strings; others are passed through as Etherpad does. */
export const EtherpadFields = Type.Object(
  {
    apikey: field('The API key (ETHERPAD_API_KEY); also `api_key`, or a raw Authorization header'),
    padID: field('`<sessionId>` or `<sessionId>.<topicId>`'),
    rev: field('A revision: only the head is served'),
    authorID: field('`a.<Yjs client id>`'),
    roID: field('A read-only id from getReadOnlyID'),
    start: field('getChatHistory'),
    end: field('getChatHistory'),
  },
  { additionalProperties: true },
);

/** Etherpad's envelope: code 0 ok, 1 bad parameters (HTTP 200), 2 internal (500), 3 no such function (404), 4 bad key (401). */
export const EtherpadEnvelope = Type.Object(
  {
    code: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]),
    message: Type.String(),
    data: Type.Unknown(),
  },
  { title: 'EtherpadEnvelope', examples: [{ code: 0, message: 'ok', data: { text: 'notes\n' } }] },
);
export type EtherpadEnvelope = Static<typeof EtherpadEnvelope>;

export const EtherpadVersionResponse = Type.Object({ currentVersion: Type.String() });

/** `/p/<pad>` and `/p/<pad>/export/<type>`: a pad id is `<sessionId>` or `<sessionId>.<topicId>`. */
export const PadParams = Type.Object({ pad: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
export const PadExportParams = Type.Object(
  { pad: Type.String({ maxLength: 200 }), type: Type.Union([Type.Literal('txt'), Type.Literal('html'), Type.Literal('etherpad')]) },
  { additionalProperties: false },
);

/** A legacy Etherpad pad name (`lpc2019-containers-cr`), mapped by an admin to an mcpad pad id. */
export const PadAliasParams = Type.Object({ alias: Type.String({ pattern: '^[A-Za-z0-9._~-]{1,100}$' }) }, { additionalProperties: false });
export const PadAliasBody = Type.Object({ padId: Type.String({ maxLength: 200, description: '`<sessionId>` or `<sessionId>.<topicId>`' }) }, { additionalProperties: false });
export const PadAliasesResponse = Type.Object({ aliases: Type.Record(Type.String(), Type.String()) });
