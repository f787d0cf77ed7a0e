/**
 * Building blocks of the API contract: ids, path parameters and the one error body. Schemas are
 * TypeBox (plain JSON Schema at run time), so the server validates with them, the OpenAPI
 * document is built from them and the client takes its types from them (`Static<typeof X>`).
 */
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import { ErrorCatalogue, type ErrorCode } from '../errors.ts';
import { ID_PATTERN_SOURCE, MAX_ID_LENGTH } from '../ids.ts';

/** The contract's version (OpenAPI `info.version`): raised when a route or schema changes incompatibly. */
export const API_VERSION = '1.0.0';

/** A slug id (event, session, topic), checked before it touches a file name. */
export const Id = Type.String({ pattern: ID_PATTERN_SOURCE, maxLength: MAX_ID_LENGTH });

/** A route's path parameters: every one required, nothing else allowed. */
export function Params<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

export const EventParams = Params({ eventId: Id });
export const SessionParams = Params({ sessionId: Id });

/** A query string that takes no parameters (anything else is refused). */
export const NoQuery = Type.Object({}, { additionalProperties: false });

/** 'INTERNAL' is the unexpected-failure answer (500), the only code outside the catalogue. */
const ERROR_CODES = [...(Object.keys(ErrorCatalogue) as ErrorCode[]), 'INTERNAL'] as const;
export type ApiErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error response, whatever the route (see server/http/error-handler.ts). */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Unsafe<ApiErrorCode>({ type: 'string', enum: [...ERROR_CODES] }),
      message: Type.String(),
    }),
  },
  { title: 'Error', examples: [{ error: { code: 'SESSION_NOT_FOUND', message: 'No session "kernel-mc".' } }] },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Every route answers its failures with ErrorResponse, through one error funnel. */
export const ERROR_RESPONSES = { '4xx': ErrorResponse, '5xx': ErrorResponse } as const;

/** A response that is not JSON: a body of `mediaType`, described for the OpenAPI document. */
export function MediaBody<M extends string>(mediaTypes: readonly M[], description: string, schema: TSchema = Type.String()) {
  return { description, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema }])) as Record<M, { schema: TSchema }> };
}
