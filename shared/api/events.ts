/** Events, their sessions and topics, as the read-only metadata API answers them. */
import { Type, type Static } from '@sinclair/typebox';

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
