/** Follow-ups as downloads: CSV (one row per item) and iCalendar (an all-day VEVENT per dated item). */
import { stringify } from 'csv-stringify/sync';
import icalGenerator from 'ical-generator';
import type { Followup } from '../../shared/followups.ts';

export const CSV_COLUMNS = ['session', 'topic', 'item', 'assignee', 'email', 'due', 'status', 'done', 'createdBy', 'createdAt', 'id'] as const;

/**
 * RFC 4180 CSV with a header row. Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, tab
 * or CR as a formula, and attendees write these cells: csv-stringify prefixes such cells with `'`
 * (OWASP's "CSV injection" advice; issue #13).
 */
export function followupsCsv(items: readonly Followup[]): string {
  return stringify(
    items.map((f) => [f.sessionTitle, f.topicTitle, f.text, f.assignee?.name ?? '', f.assignee?.email ?? '', f.due ?? '', f.status, f.done ? 'yes' : 'no', f.createdBy, f.createdAt, f.id]),
    { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', escape_formulas: true },
  );
}

/** An iCalendar with one all-day event per item that has a due date (undated items are left out). */
export function followupsICalendar(items: readonly Followup[], calendarName: string, host: string): string {
  const calendar = icalGenerator({ name: calendarName, prodId: { company: 'mcpad', product: 'followups', language: 'EN' } });
  for (const f of items) {
    if (!f.due) continue;
    const start = new Date(`${f.due}T00:00:00Z`);
    calendar.createEvent({
      id: `${f.sessionId}-${f.id}@${host}`,
      start,
      allDay: true,
      summary: `${f.assignee ? `${f.assignee.name}: ` : ''}${f.text}`,
      description: `${f.sessionTitle} — ${f.topicTitle}\nStatus: ${f.status}`,
      categories: [{ name: f.status }],
    });
  }
  return calendar.toString();
}
