/** Decisions (issue #17): per topic, recorded by anyone who may edit, marked agreed by a lead or admin. */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Params } from './common.ts';

/** A decision as the API reads it: the doc's fields, `agreedBy`/`agreedAt` null until agreed. */
export const ApiDecision = Type.Object({
  id: Type.String(),
  text: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  agreedBy: Type.Union([Type.String(), Type.Null()]),
  agreedAt: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.String(),
  topicId: Type.String(),
  topicTitle: Type.String(),
});
export type ApiDecision = Static<typeof ApiDecision>;

const decisionExample = {
  id: '5e1f0c2a9b7d3e41',
  text: 'Drop shiftfs in favour of idmapped mounts in the VFS',
  createdBy: 'Stéphane',
  createdAt: '2019-09-10T10:42:00.000Z',
  agreedBy: 'Christian (lead)',
  agreedAt: '2019-09-10T10:45:00.000Z',
  sessionId: 'containers-cr',
  topicId: 'shiftfs',
  topicTitle: 'Agree on an upstreamable approach to shiftfs',
};

export const ApiDecisionExample = Type.Composite([ApiDecision], { examples: [decisionExample] });

export const DecisionsResponse = Type.Object({ decisions: Type.Array(ApiDecision) }, { examples: [{ decisions: [decisionExample] }] });
export type DecisionsResponse = Static<typeof DecisionsResponse>;

export const NewDecisionBody = Type.Object(
  {
    topicId: Id,
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    createdBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, examples: [{ topicId: 'shiftfs', text: 'Drop shiftfs in favour of idmapped mounts in the VFS', createdBy: 'Stéphane' }] },
);
export type NewDecisionBody = Static<typeof NewDecisionBody>;

export const DecisionParams = Params({ sessionId: Id, decisionId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

/** `text` needs the edit right; `agreed` (true marks it agreed, false clears that) the assign right (lead, admin). */
export const DecisionPatchBody = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    agreed: Type.Optional(Type.Boolean()),
    /** Who agreed, as recorded (default: the link's label and role). */
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ agreed: true, by: 'Christian' }] },
);
export type DecisionPatchBody = Static<typeof DecisionPatchBody>;
