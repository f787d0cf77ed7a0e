/** JSON schemas shared by routes: ids are checked against the strict pattern at the edge. */
import { ID_PATTERN_SOURCE, MAX_ID_LENGTH } from '../../shared/ids.ts';

export const idSchema = { type: 'string', pattern: ID_PATTERN_SOURCE, maxLength: MAX_ID_LENGTH } as const;

/** The schema of a route's path parameters: every one required, nothing else allowed. */
export function paramsSchema<P extends Record<string, object>>(properties: P) {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false } as const;
}

export const eventParams = paramsSchema({ eventId: idSchema });
export const sessionParams = paramsSchema({ sessionId: idSchema });
