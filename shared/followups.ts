/**
 * Follow-ups: the lead-owned fields of action items (assignee, due date, status, history), kept in
 * the session state doc (see session-state.ts), which only the server writes.
 *
 *   doc.getMap('followups')           Y.Map<Y.Map>  keyed by action item id
 *     entry: Y.Map
 *       'topicId'    string
 *       'assignee'   { name: string, email?: string } | null
 *       'due'        string | null            YYYY-MM-DD
 *       'status'     'open' | 'in-progress' | 'done' | 'dropped'
 *       'updatedAt'  string                   ISO 8601
 *       'updatedBy'  string
 *       'history'    Y.Array<FollowupChange>  oldest first
 *       'carriedFrom' CarryLink (optional)     the item this one was carried over from (issue #17)
 *       'carriedTo'   CarryLink (optional)     the item this one was carried over to
 */
import * as Y from 'yjs';
import type { ActionItem } from './doc-schema.ts';
import type { SessionRef } from './domain.ts';

export const ROOT_FOLLOWUPS = 'followups';

export const FOLLOWUP_STATUSES = ['open', 'in-progress', 'done', 'dropped'] as const;
export type FollowupStatus = (typeof FOLLOWUP_STATUSES)[number];

export interface Assignee {
  name: string;
  email?: string;
}

export interface Assignment {
  assignee: Assignee | null;
  due: string | null;
  status: FollowupStatus;
}

export interface FollowupChange {
  at: string;
  by: string;
  field: keyof Assignment;
  from: unknown;
  to: unknown;
}

/** One end of a carry-over: an action item of a session (issue #17). */
export interface CarryLink extends SessionRef {
  actionId: string;
}

/** The carry-over links of an item, present only when it was carried. */
export interface CarryLinks {
  carriedFrom?: CarryLink;
  carriedTo?: CarryLink;
}

export interface FollowupEntry extends Assignment, CarryLinks {
  topicId: string;
  updatedAt: string;
  updatedBy: string;
  history: FollowupChange[];
}

/** An action item joined with its follow-up fields, as the board and the API show it (schema:
 *  `ApiFollowup` in shared/api/followups.ts). A summary's flattened line is `SummaryFollowUp`. */
export interface Followup extends ActionItem, Assignment, CarryLinks {
  eventId: string;
  sessionId: string;
  sessionTitle: string;
  topicId: string;
  topicTitle: string;
  history: FollowupChange[];
}

export const UNASSIGNED: Assignment = Object.freeze({ assignee: null, due: null, status: 'open' });

/** The follow-ups map of a session state doc. */
export function followupsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(ROOT_FOLLOWUPS);
}

/** Reads one entry, tolerating missing fields. */
export function readFollowup(entry: Y.Map<unknown>): FollowupEntry {
  const history = entry.get('history');
  const status = entry.get('status');
  return {
    topicId: String(entry.get('topicId') ?? ''),
    assignee: (entry.get('assignee') as Assignee | null | undefined) ?? null,
    due: (entry.get('due') as string | null | undefined) ?? null,
    status: FOLLOWUP_STATUSES.includes(status as FollowupStatus) ? (status as FollowupStatus) : 'open',
    updatedAt: String(entry.get('updatedAt') ?? ''),
    updatedBy: String(entry.get('updatedBy') ?? ''),
    history: history instanceof Y.Array ? (history.toArray() as FollowupChange[]) : [],
    ...carryLinksOf(entry),
  };
}

function readCarryLink(value: unknown): CarryLink | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { eventId, sessionId, actionId } = value as Record<string, unknown>;
  return typeof eventId === 'string' && typeof sessionId === 'string' && typeof actionId === 'string' ? { eventId, sessionId, actionId } : undefined;
}

function carryLinksOf(entry: Y.Map<unknown>): CarryLinks {
  const from = readCarryLink(entry.get('carriedFrom'));
  const to = readCarryLink(entry.get('carriedTo'));
  return { ...(from ? { carriedFrom: from } : {}), ...(to ? { carriedTo: to } : {}) };
}

function ensureEntry(map: Y.Map<Y.Map<unknown>>, itemId: string, topicId: string): Y.Map<unknown> {
  let entry = map.get(itemId);
  if (!entry) {
    entry = new Y.Map<unknown>();
    map.set(itemId, entry);
    entry.set('topicId', topicId);
    entry.set('assignee', null);
    entry.set('due', null);
    entry.set('status', 'open');
    entry.set('history', new Y.Array<FollowupChange>());
  }
  return entry;
}

/**
 * Records one end of a carry-over on the entry of `itemId` (creating it). With `carriedTo`, refuses
 * (returns false, changes nothing) when the item was already carried: the check and the write are
 * one synchronous step, so two concurrent carries of one item cannot both pass. Server only.
 */
export function setCarryLink(doc: Y.Doc, itemId: string, topicId: string, field: keyof CarryLinks, link: CarryLink | null): boolean {
  const map = followupsMap(doc);
  if (field === 'carriedTo' && link !== null) {
    const existing = map.get(itemId);
    if (existing && readCarryLink(existing.get('carriedTo'))) return false;
  }
  doc.transact(() => {
    const entry = ensureEntry(map, itemId, topicId);
    if (link === null) entry.delete(field);
    else entry.set(field, { eventId: link.eventId, sessionId: link.sessionId, actionId: link.actionId });
  });
  return true;
}

/** Every follow-up entry of a session state doc by action item id. */
export function readFollowups(doc: Y.Doc): Map<string, FollowupEntry> {
  const result = new Map<string, FollowupEntry>();
  followupsMap(doc).forEach((entry, itemId) => result.set(itemId, readFollowup(entry)));
  return result;
}

/**
 * Applies `patch` to the entry of `itemId` (creating it), recording one history line per field
 * that changes. Returns the changes (empty when nothing changed). Server only.
 */
export function applyAssignment(
  doc: Y.Doc,
  itemId: string,
  topicId: string,
  patch: Partial<Assignment>,
  by: string,
  at: string,
): FollowupChange[] {
  const map = followupsMap(doc);
  const changes: FollowupChange[] = [];
  doc.transact(() => {
    const entry = ensureEntry(map, itemId, topicId);
    const current = readFollowup(entry);
    for (const field of ['assignee', 'due', 'status'] as const) {
      if (!(field in patch)) continue;
      const next = patch[field] ?? null;
      if (JSON.stringify(next) === JSON.stringify(current[field])) continue;
      entry.set(field, next);
      changes.push({ at, by, field, from: current[field], to: next });
    }
    if (changes.length > 0) {
      entry.set('updatedAt', at);
      entry.set('updatedBy', by);
      (entry.get('history') as Y.Array<FollowupChange>).push(changes);
    }
  });
  return changes;
}
