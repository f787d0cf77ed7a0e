/**
 * "Now discussing": which topic the room is on, set by a lead, with the times each topic really
 * started and ended (the schedule as it happened). Kept in the session state doc:
 *
 *   doc.getMap('discussion')
 *     'current'  string | null              topic id being discussed now
 *     'log'      Y.Array<DiscussionSlot>    one entry per time a topic was on, in order
 */
import * as Y from 'yjs';

export const ROOT_DISCUSSION = 'discussion';

export interface DiscussionSlot {
  topicId: string;
  start: string;
  /** null while the topic is still on. */
  end: string | null;
}

export interface DiscussionState {
  current: string | null;
  log: DiscussionSlot[];
}

function discussionMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT_DISCUSSION);
}

/** The pointer and the log, as plain data. */
export function readDiscussion(doc: Y.Doc): DiscussionState {
  const map = discussionMap(doc);
  const log = map.get('log');
  const current = map.get('current');
  return { current: typeof current === 'string' ? current : null, log: log instanceof Y.Array ? (log.toArray() as DiscussionSlot[]) : [] };
}

/**
 * Moves the pointer to `topicId` (or clears it with null) at time `at`: the running slot ends,
 * a new one starts. Setting the topic that is already on changes nothing. Server only.
 */
export function setDiscussing(doc: Y.Doc, topicId: string | null, at: string): boolean {
  const map = discussionMap(doc);
  const { current } = readDiscussion(doc);
  if (current === topicId) return false;
  doc.transact(() => {
    let log = map.get('log');
    if (!(log instanceof Y.Array)) {
      log = new Y.Array<DiscussionSlot>();
      map.set('log', log);
    }
    const slots = log as Y.Array<DiscussionSlot>;
    const last = slots.length > 0 ? slots.get(slots.length - 1) : undefined;
    if (last && last.end === null) {
      slots.delete(slots.length - 1, 1);
      slots.push([{ ...last, end: at }]);
    }
    if (topicId !== null) slots.push([{ topicId, start: at, end: null }]);
    map.set('current', topicId);
  });
  return true;
}

/** Writes a restored log (slots of several topics) into a doc whose log is empty. Server only. */
export function restoreDiscussionLog(doc: Y.Doc, slots: readonly DiscussionSlot[]): number {
  const map = discussionMap(doc);
  if (readDiscussion(doc).log.length > 0 || slots.length === 0) return 0;
  const ordered = [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  doc.transact(() => {
    map.set('log', Y.Array.from(ordered.map((slot) => ({ ...slot }))));
    const running = ordered.find((slot) => slot.end === null);
    map.set('current', running ? running.topicId : null);
  });
  return ordered.length;
}

/** Per topic, the slots it was discussed in (a topic can come back). */
export function slotsByTopic(state: DiscussionState): Map<string, DiscussionSlot[]> {
  const byTopic = new Map<string, DiscussionSlot[]>();
  for (const slot of state.log) byTopic.set(slot.topicId, [...(byTopic.get(slot.topicId) ?? []), slot]);
  return byTopic;
}
