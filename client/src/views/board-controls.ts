/** The follow-ups board's controls: group by person or session, the status filter, and the CSV and iCalendar downloads. */
import { FOLLOWUP_STATUSES, type FollowupStatus } from '../../../shared/followups.ts';
import type { BoardFilter, Grouping } from '../board/board-filter.ts';
import { h } from '../dom.ts';
import { STATUS_LABELS } from './assign-form.ts';

export interface BoardControls {
  element: HTMLElement;
  /** Points the download links at these paths. */
  setDownloads(csvPath: string, icsPath: string): void;
}

export interface BoardControlsEvents {
  onStatus(status: FollowupStatus | ''): void;
  onGrouping(grouping: Grouping): void;
}

export function boardControls(filter: BoardFilter, events: BoardControlsEvents): BoardControls {
  const statusSelect = h('select', { id: 'status-filter', 'data-testid': 'status-filter' }, h('option', { value: '' }, 'all'), ...FOLLOWUP_STATUSES.map((s) => h('option', { value: s }, STATUS_LABELS[s])));
  statusSelect.value = filter.status;
  statusSelect.addEventListener('change', () => events.onStatus(statusSelect.value as FollowupStatus | ''));
  const byPerson = h('input', { type: 'radio', name: 'group', id: 'group-person', value: 'person', checked: filter.grouping === 'person' });
  const bySession = h('input', { type: 'radio', name: 'group', id: 'group-session', value: 'session', checked: filter.grouping === 'session' });
  for (const radio of [byPerson, bySession]) radio.addEventListener('change', () => events.onGrouping(radio.value as Grouping));
  const csv = h('a', { download: '', 'data-testid': 'csv' }, 'CSV');
  const ics = h('a', { download: '', 'data-testid': 'ics' }, 'iCalendar');
  const element = h(
    'div',
    { class: 'board-controls card' },
    h('fieldset', { class: 'grouping' }, h('legend', {}, 'Group by'), h('label', { for: 'group-person' }, byPerson, ' person'), h('label', { for: 'group-session' }, bySession, ' session')),
    h('label', { for: 'status-filter' }, 'Status ', statusSelect),
    h('span', { class: 'downloads' }, 'Download: ', csv, ' ', ics),
  );
  return {
    element,
    setDownloads(csvPath, icsPath) {
      csv.setAttribute('href', csvPath);
      ics.setAttribute('href', icsPath);
    },
  };
}
