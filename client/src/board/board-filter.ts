/**
 * The follow-ups board's filter (whose items, which status, grouped how), read from and written
 * back to the page's query string, and the API paths it selects.
 */
import { FOLLOWUP_STATUSES, type Followup, type FollowupStatus } from '../../../shared/followups.ts';

export type Grouping = 'person' | 'session';

export interface BoardFilter {
  /** `?assignee=NAME`: a person's own page ("my follow-ups"); empty for everyone's. */
  assignee: string;
  status: FollowupStatus | '';
  grouping: Grouping;
}

export function readBoardFilter(search: string): BoardFilter {
  const params = new URLSearchParams(search);
  const status = params.get('status') ?? '';
  return {
    assignee: params.get('assignee')?.trim() ?? '',
    status: (FOLLOWUP_STATUSES as readonly string[]).includes(status) ? (status as FollowupStatus) : '',
    grouping: params.get('group') === 'session' ? 'session' : 'person',
  };
}

/** GET /api/events/:id/followups with the filter, as JSON or as a download (`csv`, `ics`). */
export function followupsPath(eventId: string, { assignee, status }: BoardFilter, format?: string): string {
  const q = new URLSearchParams();
  if (assignee) q.set('assignee', assignee);
  if (status) q.set('status', status);
  if (format) q.set('format', format);
  const text = q.toString();
  return `/api/events/${encodeURIComponent(eventId)}/followups${text ? `?${text}` : ''}`;
}

/** The page's own query string for the filter, so a reload or a shared link shows the same view. */
export function boardSearch({ assignee, status, grouping }: BoardFilter): string {
  const q = new URLSearchParams();
  if (assignee) q.set('assignee', assignee);
  if (status) q.set('status', status);
  if (grouping === 'session') q.set('group', 'session');
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Groups by assignee (Unassigned last, others by name) or by session (in the order items come). */
export function groupFollowups(items: readonly Followup[], grouping: Grouping): Array<[string, Followup[]]> {
  const groups = new Map<string, Followup[]>();
  for (const item of items) {
    const key = grouping === 'person' ? (item.assignee?.name ?? 'Unassigned') : item.sessionTitle;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const keys = [...groups.keys()];
  if (grouping === 'person') keys.sort((a, b) => (a === 'Unassigned' ? 1 : b === 'Unassigned' ? -1 : a.localeCompare(b)));
  return keys.map((key) => [key, groups.get(key)!]);
}
