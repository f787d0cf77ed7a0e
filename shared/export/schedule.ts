/** Human-readable schedules, written in the offset the schedule was given in (no time-zone
 *  database needed, and the same on every machine). */
import type { Schedule } from '../domain.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

interface Parts {
  date: string;
  time: string | null;
  offset: string | null;
}

function parts(iso: string): Parts | null {
  const m = ISO.exec(iso.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, off] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
  const monthName = MONTHS[month - 1];
  if (!weekday || !monthName) return null;
  return {
    date: `${weekday} ${day} ${monthName} ${year}`,
    time: h && mi ? `${h}:${mi}` : null,
    offset: off ? (off === 'Z' ? 'UTC' : `UTC${off}`) : null,
  };
}

/** When a topic was really discussed, e.g. `10:05–10:25 UTC+01:00` (several slots joined by "; "). */
export function formatDiscussed(slots: ReadonlyArray<{ start: string; end: string | null }>): string {
  return slots.map((slot) => formatSchedule(slot.end ? { start: slot.start, end: slot.end } : { start: slot.start }).replace(/^[A-Za-z]+ \d+ [A-Za-z]+ \d{4}, /, '') + (slot.end ? '' : ' (ongoing)')).join('; ');
}

/** E.g. `Tuesday 10 September 2019, 10:00–13:30 UTC+02:00, room Lisboa I`. */
export function formatSchedule(schedule: Schedule): string {
  const start = parts(schedule.start);
  if (!start) return schedule.start;
  const end = schedule.end ? parts(schedule.end) : null;
  let text = start.date;
  if (start.time) text += `, ${start.time}`;
  if (end) {
    if (end.date === start.date && end.time) text += `–${end.time}`;
    else text += ` – ${end.date}${end.time ? `, ${end.time}` : ''}`;
  }
  if (start.offset) text += ` ${start.offset}`;
  if (schedule.room) text += `, room ${schedule.room}`;
  return text;
}

/** A due date: `2019-09-20` stays as is; a date-time keeps its date and time. */
export function formatDue(due: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(due.trim());
  if (!m) return due.trim();
  return m[2] ? `${m[1]} ${m[2]}` : m[1]!;
}

/** `2026-11-29 10:00 UTC` from an ISO time. */
export function formatGeneratedAt(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
}
