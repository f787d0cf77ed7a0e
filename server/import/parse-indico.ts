/**
 * Indico event exports (`/export/event/<id>.json?detail=sessions`, the HTTP API LPC schedules its
 * microconferences with): each Indico session becomes a session (conveners → leads, its slot →
 * schedule) and each of its contributions a topic (speakers, description → abstract, start/end).
 * Format: https://docs.getindico.io/en/stable/http-api/exporters/event/ — dates are
 * `{date: 'YYYY-MM-DD', time: 'HH:MM:SS', tz: 'Europe/Lisbon'}`, turned into ISO 8601 with the
 * zone's offset at that moment. mcpad extension (issue #17): a session object may carry
 * `"previous": "<eventId>/<sessionId>"` (or `{eventId, sessionId}`), the session it follows on from;
 * Indico itself has no such field, so add it to the exported file before importing.
 */
import type { Lead, Schedule, SessionDraft, TopicDraft } from '../../shared/domain.ts';
import { ImportError } from './import-error.ts';
import { parseSessionRef } from '../../shared/session-ref.ts';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when `value` looks like an Indico HTTP API result rather than an mcpad session list. */
export function isIndicoExport(value: unknown): boolean {
  return isRecord(value) && Array.isArray(value.results) && (value._type === 'HTTPAPIResult' || value.results.some((r) => isRecord(r) && r._type === 'Conference'));
}

/** Sessions of every event in an Indico export, in schedule order. Throws ImportError naming the path. */
export function parseIndicoExport(value: unknown): SessionDraft[] {
  if (!isIndicoExport(value)) throw new ImportError('not an Indico export: expected {"_type": "HTTPAPIResult", "results": [...]}');
  const drafts: SessionDraft[] = [];
  (value as { results: unknown[] }).results.forEach((event, e) => {
    if (!isRecord(event)) throw new ImportError(`results[${e}]: expected an event object`);
    const sessions = event.sessions;
    if (!Array.isArray(sessions) || sessions.length === 0) {
      throw new ImportError(`results[${e}].sessions: no sessions (export the event with ?detail=sessions)`);
    }
    sessions.forEach((session, s) => drafts.push(sessionDraft(session, `results[${e}].sessions[${s}]`)));
  });
  return drafts.sort((a, b) => (a.schedule?.start ?? '').localeCompare(b.schedule?.start ?? ''));
}

function sessionDraft(value: unknown, path: string): SessionDraft {
  if (!isRecord(value)) throw new ImportError(`${path}: expected a session object`);
  const title = text(value.title, `${path}.title`, true);
  const contributions = Array.isArray(value.contributions) ? value.contributions : [];
  const topics = contributions
    .map((c, i) => topicDraft(c, `${path}.contributions[${i}]`))
    .sort((a, b) => (a.schedule?.start ?? '').localeCompare(b.schedule?.start ?? ''));
  const leads = (Array.isArray(value.sessionConveners) ? value.sessionConveners : Array.isArray(value.conveners) ? value.conveners : []).map((p, i) =>
    person(p, `${path}.sessionConveners[${i}]`),
  );
  const schedule = slot(value, path);
  const previous = value.previous === undefined ? undefined : parseSessionRef(value.previous);
  if (value.previous !== undefined && !previous) throw new ImportError(`${path}.previous: expected "<eventId>/<sessionId>" or {eventId, sessionId}`);
  return {
    title,
    description: text(value.description, `${path}.description`, false),
    leads,
    ...(schedule ? { schedule } : {}),
    ...(previous ? { previous } : {}),
    topics,
  };
}

function topicDraft(value: unknown, path: string): TopicDraft {
  if (!isRecord(value)) throw new ImportError(`${path}: expected a contribution object`);
  const speakers = (Array.isArray(value.speakers) ? value.speakers : []).map((p, i) => person(p, `${path}.speakers[${i}]`).name);
  const schedule = slot(value, path);
  return {
    title: text(value.title, `${path}.title`, true),
    abstract: text(value.description, `${path}.description`, false),
    speakers,
    ...(schedule ? { schedule } : {}),
  };
}

function person(value: unknown, path: string): Lead {
  if (!isRecord(value)) throw new ImportError(`${path}: expected a person object`);
  const first = typeof value.first_name === 'string' ? value.first_name : '';
  const last = typeof value.last_name === 'string' ? value.last_name : '';
  const name = (typeof value.fullName === 'string' && value.fullName.trim()) || `${first} ${last}`.trim();
  if (!name) throw new ImportError(`${path}: a person without a name`);
  // Indico writes "Last, First" in fullName; people read "First Last".
  const display = first && last ? `${first} ${last}` : name;
  return { name: display, ...(typeof value.email === 'string' && value.email.includes('@') ? { email: value.email } : {}) };
}

function text(value: unknown, path: string, required: boolean): string {
  if (value === undefined || value === null) {
    if (required) throw new ImportError(`${path}: expected a non-empty string`);
    return '';
  }
  if (typeof value !== 'string' || (required && value.trim() === '')) throw new ImportError(`${path}: expected a non-empty string`);
  return value.trim();
}

function slot(value: Json, path: string): Schedule | undefined {
  const start = indicoDate(value.startDate, `${path}.startDate`);
  if (!start) return undefined;
  const end = indicoDate(value.endDate, `${path}.endDate`);
  const room = typeof value.room === 'string' && value.room.trim() ? value.room.trim() : undefined;
  return { start, ...(end ? { end } : {}), ...(room ? { room } : {}) };
}

/** `{date, time, tz}` → ISO 8601 with the zone's UTC offset at that local time. */
function indicoDate(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || typeof value.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value.date)) {
    throw new ImportError(`${path}: expected {"date": "YYYY-MM-DD", "time": "HH:MM:SS", "tz": "Area/City"}`);
  }
  const time = typeof value.time === 'string' && /^\d{2}:\d{2}(:\d{2})?$/.test(value.time) ? value.time.padEnd(8, ':00') : '00:00:00';
  const tz = typeof value.tz === 'string' ? value.tz : 'UTC';
  let offsetMinutes: number;
  try {
    offsetMinutes = zoneOffsetMinutes(`${value.date}T${time}`, tz);
  } catch {
    throw new ImportError(`${path}.tz: unknown time zone "${tz}"`);
  }
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${value.date}T${time}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The UTC offset of `zone` at the wall-clock time `local` (ICU through Intl). */
function zoneOffsetMinutes(local: string, zone: string): number {
  const asUtc = Date.parse(`${local}Z`);
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  // Two passes settle the offset for wall-clock times near a DST change.
  let offset = 0;
  for (let pass = 0; pass < 2; pass++) {
    const parts = Object.fromEntries(format.formatToParts(new Date(asUtc - offset * 60_000)).map((p) => [p.type, p.value]));
    const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    offset = Math.round((wall - (asUtc - offset * 60_000)) / 60_000);
  }
  return offset;
}
