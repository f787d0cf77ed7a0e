/** A session's predecessor and the follow-ups carried over from it; a person's follow-ups across events (issue #17). */
import { Type, type Static } from '@sinclair/typebox';
import { ApiFollowup, FollowupStatusSchema } from './followups.ts';
import { Id } from './common.ts';

const SessionRefSchema = Type.Object({ eventId: Id, sessionId: Id }, { additionalProperties: false });

export const PreviousBody = Type.Object(
  { previous: Type.Union([SessionRefSchema, Type.Null()]) },
  { additionalProperties: false, examples: [{ previous: { eventId: 'lpc2019', sessionId: 'containers-cr' } }, { previous: null }] },
);
export type PreviousBody = Static<typeof PreviousBody>;

export const PreviousResponse = Type.Object(
  { sessionId: Type.String(), previous: Type.Union([Type.Object({ eventId: Type.String(), sessionId: Type.String() }), Type.Null()]) },
  { examples: [{ sessionId: 'demo-containers-cr-followon', previous: { eventId: 'lpc2019', sessionId: 'containers-cr' } }] },
);
export type PreviousResponse = Static<typeof PreviousResponse>;

const carriedExample = {
  id: 'c0ffee00c0ffee00',
  text: '(demo) Post the patch series to the list',
  done: false,
  createdBy: 'carry-over',
  createdAt: '2020-08-24T10:00:00.000Z',
  assignee: { name: 'Demo person' },
  due: null,
  status: 'open',
  eventId: 'demo-followon',
  sessionId: 'demo-containers-cr-followon',
  sessionTitle: 'Demo follow-on session',
  topicId: 'from-last-time',
  topicTitle: 'From last time',
  history: [],
  carriedFrom: { eventId: 'lpc2019', sessionId: 'containers-cr', actionId: 'a1b2c3' },
};

const { carriedFrom: _from, ...carriedFields } = carriedExample;
const originalExample = { ...carriedFields, eventId: 'lpc2019', sessionId: 'containers-cr', sessionTitle: 'Containers and Checkpoint/Restore MC', id: 'a1b2c3', topicId: 'shiftfs', topicTitle: 'shiftfs' };

/** A predecessor's decision as the carry-over panel shows it (read tolerantly from its doc). */
export const CarryOverDecision = Type.Object({ topicId: Type.String(), topicTitle: Type.String(), text: Type.String(), agreed: Type.Optional(Type.Boolean()) });

export const CarryOverResponse = Type.Object(
  {
    sessionId: Type.String(),
    previous: Type.Union([Type.Object({ eventId: Type.String(), sessionId: Type.String(), title: Type.String() }), Type.Null()]),
    /** The predecessor's open and in-progress follow-ups (with `carriedTo` once carried). */
    items: Type.Array(ApiFollowup),
    decisions: Type.Array(CarryOverDecision),
  },
  {
    examples: [
      {
        sessionId: 'demo-containers-cr-followon',
        previous: { eventId: 'lpc2019', sessionId: 'containers-cr', title: 'Containers and Checkpoint/Restore MC' },
        items: [{ ...originalExample, carriedTo: { eventId: 'demo-followon', sessionId: 'demo-containers-cr-followon', actionId: 'c0ffee00c0ffee00' } }],
        decisions: [],
      },
    ],
  },
);
export type CarryOverResponse = Static<typeof CarryOverResponse>;

export const CarryOverBody = Type.Object(
  {
    actionId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** Who carries it, shown as the new item's `createdBy` and in its history (default: the link's label). */
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, examples: [{ actionId: 'a1b2c3', by: 'Ada' }] },
);
export type CarryOverBody = Static<typeof CarryOverBody>;

export const CarriedResponse = Type.Composite([ApiFollowup], { examples: [carriedExample] });

export const PersonFollowupsQuery = Type.Object(
  { assignee: Type.String({ minLength: 1, maxLength: 254 }), status: Type.Optional(FollowupStatusSchema) },
  { additionalProperties: false },
);
export type PersonFollowupsQuery = Static<typeof PersonFollowupsQuery>;

export const PersonFollowupsResponse = Type.Object(
  { assignee: Type.String(), items: Type.Array(ApiFollowup) },
  { examples: [{ assignee: 'Demo person', items: [carriedExample] }] },
);
export type PersonFollowupsResponse = Static<typeof PersonFollowupsResponse>;
