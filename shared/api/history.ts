/** History: checkpoints, diffs between them, restoring a topic, finalised versions. */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Params } from './common.ts';
import { ActionItem } from './followups.ts';

/** A checkpoint id, or `live` for the notes as they are now. */
export const CheckpointRef = Type.String({ pattern: '^(live|[0-9]{8}T[0-9]{9}Z-[a-z0-9]{4})$' });
export const CheckpointParams = Params({ sessionId: Id, ref: CheckpointRef });
export const VersionParams = Params({ sessionId: Id, label: Type.String({ pattern: '^-?[0-9]{1,3}$' }) });

export const CHECKPOINT_REASONS = ['auto', 'idle', 'manual', 'final'] as const;

export const CheckpointInfo = Type.Object({
  id: Type.String(),
  sessionId: Type.String(),
  createdAt: Type.String(),
  reason: Type.Union(CHECKPOINT_REASONS.map((r) => Type.Literal(r))),
  /** For finalised versions: 0 → "-00", 1 → "-01"... */
  version: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Who had text in the notes at that moment. */
  contributors: Type.Array(Type.String()),
  bytes: Type.Integer({ minimum: 0 }),
});
export type CheckpointInfo = Static<typeof CheckpointInfo>;

const checkpointExample = {
  id: '20190910T104200000Z-k3x9',
  sessionId: 'kernel-mc',
  createdAt: '2019-09-10T10:42:00.000Z',
  reason: 'manual',
  contributors: ['Ada', 'Jens'],
  bytes: 5120,
};

export const CheckpointInfoExample = Type.Composite([CheckpointInfo], { examples: [checkpointExample] });
export const CheckpointsResponse = Type.Object({ checkpoints: Type.Array(CheckpointInfo) }, { examples: [{ checkpoints: [checkpointExample] }] });
export const VersionsResponse = Type.Object({ versions: Type.Array(CheckpointInfo) }, { examples: [{ versions: [{ ...checkpointExample, reason: 'final', version: 0 }] }] });

export const SectionSnapshot = Type.Object({ id: Type.String(), title: Type.String(), notes: Type.String(), actions: Type.Array(ActionItem) });

/** A checkpoint's notes (info is null for `live`). */
export const CheckpointResponse = Type.Object(
  { info: Type.Union([CheckpointInfo, Type.Null()]), sections: Type.Array(SectionSnapshot) },
  { examples: [{ info: checkpointExample, sections: [{ id: 'io-uring', title: 'io_uring', notes: '- faster\n', actions: [] }] }] },
);
export type CheckpointResponse = Static<typeof CheckpointResponse>;

export const DiffQuery = Type.Object({ from: CheckpointRef, to: CheckpointRef }, { additionalProperties: false });

/** Lines added and removed per topic, between two refs. */
export const TopicDiff = Type.Object({ topicId: Type.String(), title: Type.String(), added: Type.Array(Type.String()), removed: Type.Array(Type.String()) });
export type TopicDiff = Static<typeof TopicDiff>;
export const DiffResponse = Type.Object({ topics: Type.Array(TopicDiff) }, { examples: [{ topics: [{ topicId: 'io-uring', title: 'io_uring', added: ['- faster'], removed: [] }] }] });
export type DiffResponse = Static<typeof DiffResponse>;

export const RestoreTopicBody = Type.Object({ topicId: Id }, { additionalProperties: false, examples: [{ topicId: 'io-uring' }] });
export const RestoreTopicResponse = Type.Object({ notes: Type.String() }, { examples: [{ notes: '- faster\n' }] });

/** Finalising before the scheduled end needs `confirm: true` (else 409 CONFIRMATION_REQUIRED). */
export const FinaliseBody = Type.Object({ confirm: Type.Optional(Type.Boolean()) }, { additionalProperties: false, examples: [{ confirm: true }] });
