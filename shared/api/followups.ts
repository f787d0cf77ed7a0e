/** Action items (per session) and follow-ups (across an event), as the API reads and writes them. */
import { Type, type Static } from '@sinclair/typebox';
import { FOLLOWUP_STATUSES, type Assignee, type Followup, type FollowupStatus } from '../followups.ts';
import { Id, Params } from './common.ts';

export const FollowupStatusSchema = Type.Unsafe<FollowupStatus>({ type: 'string', enum: [...FOLLOWUP_STATUSES] });

export const ActionItem = Type.Object({
  id: Type.String(),
  text: Type.String(),
  done: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: Type.String(),
});

const AssigneeSchema = Type.Object({ name: Type.String(), email: Type.Optional(Type.String()) });

export const FollowupChange = Type.Object({
  at: Type.String(),
  by: Type.String(),
  field: Type.Union([Type.Literal('assignee'), Type.Literal('due'), Type.Literal('status')]),
  from: Type.Unknown(),
  to: Type.Unknown(),
});

export const CarryLinkSchema = Type.Object({ eventId: Type.String(), sessionId: Type.String(), actionId: Type.String() });

/** An action item joined with its follow-up fields (shared/followups.ts `Followup`). */
export const ApiFollowup = Type.Object({
  ...ActionItem.properties,
  assignee: Type.Union([AssigneeSchema, Type.Null()]),
  due: Type.Union([Type.String(), Type.Null()], { description: 'YYYY-MM-DD' }),
  status: FollowupStatusSchema,
  eventId: Type.String(),
  sessionId: Type.String(),
  sessionTitle: Type.String(),
  topicId: Type.String(),
  topicTitle: Type.String(),
  history: Type.Array(FollowupChange),
  /** Issue #17: the item this one was carried over from, and the item it was carried over to. */
  carriedFrom: Type.Optional(CarryLinkSchema),
  carriedTo: Type.Optional(CarryLinkSchema),
});
export type ApiFollowup = Static<typeof ApiFollowup>;

const followupExample = {
  id: 'a1b2c3',
  text: 'Send the patch series to the list',
  done: false,
  createdBy: 'Ada',
  createdAt: '2019-09-10T10:42:00.000Z',
  assignee: { name: 'Jens', email: 'jens@example.org' },
  due: '2019-10-01',
  status: 'in-progress',
  eventId: 'lpc-2019',
  sessionId: 'kernel-mc',
  sessionTitle: 'Kernel MC',
  topicId: 'io-uring',
  topicTitle: 'io_uring',
  history: [{ at: '2019-09-10T11:00:00.000Z', by: 'Ada (lead)', field: 'status', from: 'open', to: 'in-progress' }],
};

export const ApiFollowupExample = Type.Composite([ApiFollowup], { examples: [followupExample] });

export const ActionItemsResponse = Type.Object({ items: Type.Array(ApiFollowup) }, { examples: [{ items: [followupExample] }] });
export type ActionItemsResponse = Static<typeof ActionItemsResponse>;

export const NewActionItemBody = Type.Object(
  {
    topicId: Id,
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    createdBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, examples: [{ topicId: 'io-uring', text: 'Send the patch series to the list', createdBy: 'Ada' }] },
);
export type NewActionItemBody = Static<typeof NewActionItemBody>;

export const ActionItemParams = Params({ sessionId: Id, itemId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

/** Text and done need the edit right; assignee, due and status need the assign right. */
export const ActionItemPatchBody = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    done: Type.Optional(Type.Boolean()),
    // Kept as one schema with a type list (not anyOf), as validated since issue 7.
    assignee: Type.Optional(
      Type.Unsafe<Assignee | null>({
        type: ['object', 'null'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', format: 'email', maxLength: 254 } },
        required: ['name'],
        additionalProperties: false,
      }),
    ),
    due: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
    status: Type.Optional(FollowupStatusSchema),
    /** Who made the change, shown in the history (default: the link's label). */
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ assignee: { name: 'Jens' }, due: '2019-10-01', status: 'in-progress', by: 'Ada' }] },
);
export type ActionItemPatchBody = Static<typeof ActionItemPatchBody>;

export const FOLLOWUP_DOWNLOAD_FORMATS = ['json', 'csv', 'ics'] as const;

export const EventFollowupsQuery = Type.Object(
  {
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    status: Type.Optional(FollowupStatusSchema),
    session: Type.Optional(Id),
    format: Type.Optional(Type.Union(FOLLOWUP_DOWNLOAD_FORMATS.map((f) => Type.Literal(f)))),
  },
  { additionalProperties: false },
);
export type EventFollowupsQuery = Static<typeof EventFollowupsQuery>;

export const EventFollowupsResponse = Type.Object({ eventId: Type.String(), items: Type.Array(ApiFollowup) }, { examples: [{ eventId: 'lpc-2019', items: [followupExample] }] });
export type EventFollowupsResponse = Static<typeof EventFollowupsResponse>;

/** Compile-time proof that the schema and the domain type (shared/followups.ts) are one shape. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const FOLLOWUP_SCHEMA_MATCHES_TYPE: Same<ApiFollowup, Followup> = true;
