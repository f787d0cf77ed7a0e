/** The session record: the "now discussing" pointer with its log, and who contributed. */
import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

export const DiscussionState = Type.Object(
  {
    current: Type.Union([Type.String(), Type.Null()]),
    log: Type.Array(Type.Object({ topicId: Type.String(), start: Type.String(), end: Type.Union([Type.String(), Type.Null()], { description: 'null while the topic is still on' }) })),
  },
  { examples: [{ current: 'io-uring', log: [{ topicId: 'io-uring', start: '2019-09-10T10:05:00.000Z', end: null }] }] },
);
export type DiscussionState = Static<typeof DiscussionState>;

export const SetDiscussingBody = Type.Object({ topicId: Type.Union([Id, Type.Null()]) }, { additionalProperties: false, examples: [{ topicId: 'io-uring' }, { topicId: null }] });

export const ContributorsResponse = Type.Object({ contributors: Type.Array(Type.String()) }, { examples: [{ contributors: ['Ada', 'Jens'] }] });
