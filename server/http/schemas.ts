/** JSON schemas shared by routes: ids are checked against the strict pattern at the edge. */
import { ID_PATTERN_SOURCE, MAX_ID_LENGTH } from '../../shared/ids.ts';

export const idSchema = { type: 'string', pattern: ID_PATTERN_SOURCE, maxLength: MAX_ID_LENGTH } as const;

export const eventParams = {
  type: 'object',
  properties: { eventId: idSchema },
  required: ['eventId'],
  additionalProperties: false,
} as const;

export const sessionParams = {
  type: 'object',
  properties: { sessionId: idSchema },
  required: ['sessionId'],
  additionalProperties: false,
} as const;
