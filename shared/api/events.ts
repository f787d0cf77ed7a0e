/** Events, their sessions and topics, as the read-only metadata API answers them. */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Params } from './common.ts';

export const Lead = Type.Object({ name: Type.String(), email: Type.Optional(Type.String()) });

export const Schedule = Type.Object({
  /** ISO 8601 date-time with offset, e.g. 2019-09-10T10:00:00+02:00 */
  start: Type.String(),
  end: Type.Optional(Type.String()),
  room: Type.Optional(Type.String()),
});

export const ParticipantAccess = Type.Union([Type.Literal('open'), Type.Literal('link')], {
  description: "'open' (default): anyone with the session URL edits; 'link': only edit links do.",
});

export const ApiTopic = Type.Object({
  id: Type.String(),
  title: Type.String(),
  speakers: Type.Array(Type.String()),
  abstract: Type.String(),
  schedule: Type.Optional(Schedule),
});
export type ApiTopic = Static<typeof ApiTopic>;

const eventFields = {
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  createdAt: Type.String(),
  participantAccess: Type.Optional(ParticipantAccess),
};

/** `GET /api/events/:eventId` lists sessions with topic titles only, and who is online. */
export const ApiSessionSummary = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  leads: Type.Array(Lead),
  schedule: Type.Optional(Schedule),
  topics: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), speakers: Type.Array(Type.String()) })),
  /** Peers connected to the session's notes now. */
  online: Type.Integer({ minimum: 0 }),
  /** Archived: read-only for everyone (issue #15). */
  archived: Type.Optional(Type.Boolean()),
});
export type ApiSessionSummary = Static<typeof ApiSessionSummary>;

export const ApiEventSummary = Type.Object({ ...eventFields, sessionCount: Type.Integer({ minimum: 0 }) });
export type ApiEventSummary = Static<typeof ApiEventSummary>;

export const EventsResponse = Type.Object(
  { events: Type.Array(ApiEventSummary) },
  { examples: [{ events: [{ id: 'lpc-2019', title: 'Linux Plumbers 2019', description: '', createdAt: '2019-09-01T08:00:00.000Z', sessionCount: 1 }] }] },
);
export type EventsResponse = Static<typeof EventsResponse>;

export const ApiEvent = Type.Object(
  { ...eventFields, sessions: Type.Array(ApiSessionSummary) },
  {
    examples: [
      {
        id: 'lpc-2019',
        title: 'Linux Plumbers 2019',
        description: '',
        createdAt: '2019-09-01T08:00:00.000Z',
        participantAccess: 'open',
        sessions: [{ id: 'kernel-mc', title: 'Kernel MC', description: '', leads: [{ name: 'Ada' }], topics: [{ id: 'io-uring', title: 'io_uring', speakers: ['Jens'] }], online: 2 }],
      },
    ],
  },
);
export type ApiEvent = Static<typeof ApiEvent>;

export const ApiSession = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String(),
    title: Type.String(),
    description: Type.String(),
    leads: Type.Array(Lead),
    schedule: Type.Optional(Schedule),
    topics: Type.Array(ApiTopic),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    online: Type.Integer({ minimum: 0 }),
    /** The session this one follows on from (issue #17). */
    previous: Type.Optional(Type.Object({ eventId: Type.String(), sessionId: Type.String() })),
    archived: Type.Optional(Type.Boolean()),
  },
  {
    examples: [
      {
        id: 'kernel-mc',
        eventId: 'lpc-2019',
        title: 'Kernel MC',
        description: 'Kernel microconference',
        leads: [{ name: 'Ada', email: 'ada@example.org' }],
        schedule: { start: '2019-09-10T10:00:00+02:00', end: '2019-09-10T13:30:00+02:00', room: 'Room 1' },
        topics: [{ id: 'io-uring', title: 'io_uring', speakers: ['Jens'], abstract: 'Where next.' }],
        createdAt: '2019-09-01T08:00:00.000Z',
        updatedAt: '2019-09-01T08:00:00.000Z',
        online: 0,
      },
    ],
  },
);
export type ApiSession = Static<typeof ApiSession>;

export const ParticipantAccessBody = Type.Object({ participantAccess: ParticipantAccess }, { additionalProperties: false, examples: [{ participantAccess: 'link' }] });
export const ParticipantAccessResponse = Type.Object({ id: Type.String(), participantAccess: ParticipantAccess });

// ---- Organiser and lead edits (issue #15) ----

const Title = Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' });
const Description = Type.String({ maxLength: 5000 });
const Speakers = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 });
const Abstract = Type.String({ maxLength: 20_000 });
const LeadInput = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), email: Type.Optional(Type.String({ maxLength: 320 })) },
  { additionalProperties: false },
);
const ScheduleInput = Type.Object(
  {
    start: Type.String({ minLength: 1, maxLength: 64 }),
    end: Type.Optional(Type.String({ maxLength: 64 })),
    room: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** An event as stored (no sessions). */
export const ApiEventRecord = Type.Object(eventFields, {
  examples: [{ id: 'lpc-2019', title: 'Linux Plumbers 2019', description: 'Lisbon', createdAt: '2019-09-01T08:00:00.000Z', participantAccess: 'open' }],
});
export type ApiEventRecord = Static<typeof ApiEventRecord>;

export const NewEventBody = Type.Object(
  { id: Id, title: Title, description: Type.Optional(Description) },
  { additionalProperties: false, examples: [{ id: 'lpc-2019', title: 'Linux Plumbers 2019', description: 'Lisbon' }] },
);
export type NewEventBody = Static<typeof NewEventBody>;

export const EventPatchBody = Type.Object(
  { title: Type.Optional(Title), description: Type.Optional(Description), participantAccess: Type.Optional(ParticipantAccess) },
  { additionalProperties: false, minProperties: 1, examples: [{ participantAccess: 'link' }, { title: 'LPC 2019', description: 'Lisbon, 9-11 September' }] },
);
export type EventPatchBody = Static<typeof EventPatchBody>;

export const SessionPatchBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    leads: Type.Optional(Type.Array(LeadInput, { maxItems: 50 })),
    /** null removes the schedule. */
    schedule: Type.Optional(Type.Union([ScheduleInput, Type.Null()])),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ title: 'Kernel MC', leads: [{ name: 'Ada', email: 'ada@example.org' }], schedule: { start: '2019-09-10T10:00:00+02:00', room: 'Room 1' } }],
  },
);
export type SessionPatchBody = Static<typeof SessionPatchBody>;

export const TopicParams = Params({ sessionId: Id, topicId: Id });

export const NewTopicBody = Type.Object(
  { title: Title, speakers: Type.Optional(Speakers), abstract: Type.Optional(Abstract), after: Type.Optional(Id) },
  { additionalProperties: false, examples: [{ title: 'io_uring and containers', speakers: ['Jens'], after: 'io-uring' }] },
);
export type NewTopicBody = Static<typeof NewTopicBody>;

export const TopicPatchBody = Type.Object(
  { title: Type.Optional(Title), speakers: Type.Optional(Speakers), abstract: Type.Optional(Abstract) },
  { additionalProperties: false, minProperties: 1, examples: [{ title: 'io_uring: where next' }] },
);
export type TopicPatchBody = Static<typeof TopicPatchBody>;

export const ApiTopicAnswer = Type.Composite([ApiTopic], { examples: [{ id: 'io-uring-and-containers', title: 'io_uring and containers', speakers: ['Jens'], abstract: '' }] });

export const TopicOrderBody = Type.Object(
  { topicIds: Type.Array(Id, { maxItems: 1000 }) },
  { additionalProperties: false, examples: [{ topicIds: ['io-uring', 'ebpf'] }] },
);
export type TopicOrderBody = Static<typeof TopicOrderBody>;

export const ArchivedBody = Type.Object({ archived: Type.Boolean() }, { additionalProperties: false, examples: [{ archived: true }] });
export type ArchivedBody = Static<typeof ArchivedBody>;

export const AuditEntrySchema = Type.Object({
  at: Type.String(),
  actor: Type.Object({ role: Type.String(), label: Type.Optional(Type.String()) }),
  action: Type.String(),
  eventId: Type.String(),
  sessionId: Type.Optional(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type ApiAuditEntry = Static<typeof AuditEntrySchema>;

export const AuditQuery = Type.Object(
  { session: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);

export const AuditResponse = Type.Object(
  { entries: Type.Array(AuditEntrySchema) },
  {
    examples: [
      {
        entries: [
          { at: '2019-09-10T09:00:00.000Z', actor: { role: 'lead', label: 'lead link (created with the session)' }, action: 'topic.update', eventId: 'lpc-2019', sessionId: 'kernel-mc', detail: { topicId: 'io-uring', title: 'io_uring: where next', previousTitle: 'io_uring' } },
        ],
      },
    ],
  },
);
export type AuditResponse = Static<typeof AuditResponse>;
