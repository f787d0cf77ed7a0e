/**
 * Validator for the JSON import format. Accepts, as already-parsed JSON:
 *  - one session object: `{id?, title?, description?, leads?, schedule?, previous?, topics: [...]}`,
 *  - an array of session objects,
 *  - `{sessions: [...]}`,
 *  - an mcpad JSON export (`{"format": "mcpad-export", "version": 1, ...}`, see parse-export.ts).
 * Topics are `{id?, title, speakers?, abstract?}`, leads `{name, email?}`, schedule
 * `{start, end?, room?}` with ISO 8601 date-times that carry an offset, previous (the session this
 * one follows on from, issue #17) `"<eventId>/<sessionId>"` or `{eventId, sessionId}`.
 *
 * Validation is strict: wrong types, unknown fields (typos such as "abstact" would otherwise
 * silently lose data), malformed ids, duplicate ids and over-long values are rejected with an
 * ImportError whose message starts with the path of the offending value, e.g.
 * `sessions[0].topics[3].title: expected a non-empty string`. The only fields tolerated and
 * ignored are the store's own `eventId`, `createdAt` and `updatedAt` on sessions, so that an
 * exported session can be imported again. Strings are trimmed; lengths count UTF-16 code units.
 *
 * Pure: no I/O; returns new objects and never the input's.
 */
import { jsonWhere, withOrigin } from './draft-origins.ts';
import type { Lead, Schedule, SessionDraft, TopicDraft } from '../../shared/domain.ts';
import { isValidId } from '../../shared/ids.ts';
import { parseSessionRef } from '../../shared/session-ref.ts';
import { ImportError } from './import-error.ts';
import { isExportDocument, parseExportDocument, type ParsedExport } from './parse-export.ts';

/** Upper bounds shared by all import formats. */
export const IMPORT_LIMITS = {
  sessions: 1_000,
  title: 300,
  description: 20_000,
  abstract: 20_000,
  topicsPerSession: 500,
  leads: 50,
  speakersPerTopic: 50,
  /** Lead and speaker names, rooms. */
  name: 300,
  email: 254,
} as const;

const SESSION_FIELDS = ['id', 'title', 'description', 'leads', 'schedule', 'topics', 'previous'];
const IGNORED_SESSION_FIELDS = new Set(['eventId', 'createdAt', 'updatedAt']);
const TOPIC_FIELDS = ['id', 'title', 'speakers', 'abstract', 'schedule'];
const LEAD_FIELDS = ['name', 'email'];
const SCHEDULE_FIELDS = ['start', 'end', 'room'];

const EMAIL = /^[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[^\s@<>(),;:]+$/;

export function parseJsonImport(value: unknown): SessionDraft[] {
  // An mcpad JSON export: its session and topic metadata (notes and actions: parseJsonImportFull).
  if (isExportDocument(value)) return parseExportDocument(value, parseJsonImport).drafts;
  if (Array.isArray(value)) return validateSessions(value, '');
  if (isRecord(value)) {
    if ('sessions' in value) {
      checkFields(value, ['sessions'], new Set(), '');
      if (!Array.isArray(value.sessions)) fail('sessions', `expected an array of sessions, got ${describe(value.sessions)}`);
      return validateSessions(value.sessions, 'sessions');
    }
    if ('topics' in value) return [validateSession(value, '')];
  }
  fail(
    '',
    `expected a session object with "topics", an array of sessions, or {"sessions": [...]}, got ${describe(value)}`,
  );
}

/** Like parseJsonImport, plus the notes and action items when `value` is an mcpad export. */
export function parseJsonImportFull(value: unknown): { drafts: SessionDraft[]; export: ParsedExport | null } {
  if (isExportDocument(value)) {
    const parsed = parseExportDocument(value, parseJsonImport);
    return { drafts: parsed.drafts, export: parsed };
  }
  return { drafts: parseJsonImport(value), export: null };
}

function validateSessions(values: readonly unknown[], path: string): SessionDraft[] {
  if (values.length === 0) fail(path, 'expected at least one session');
  if (values.length > IMPORT_LIMITS.sessions) {
    fail(path, `too many sessions: ${values.length} (at most ${IMPORT_LIMITS.sessions})`);
  }
  const seen = new Map<string, number>();
  return values.map((value, i) => {
    const session = validateSession(value, `${path}[${i}]`);
    if (session.id !== undefined) {
      const first = seen.get(session.id);
      if (first !== undefined) fail(`${path}[${i}].id`, `duplicate session id "${session.id}" (also ${path}[${first}].id)`);
      seen.set(session.id, i);
    }
    return session;
  });
}

function validateSession(value: unknown, path: string): SessionDraft {
  if (!isRecord(value)) fail(path, `expected a session object, got ${describe(value)}`);
  checkFields(value, SESSION_FIELDS, IGNORED_SESSION_FIELDS, path);

  const id = optionalId(value.id, at(path, 'id'));
  const title = optionalString(value.title, at(path, 'title'), IMPORT_LIMITS.title, false);
  const description = optionalString(value.description, at(path, 'description'), IMPORT_LIMITS.description, true);
  const leads = value.leads === undefined ? undefined : validateLeads(value.leads, at(path, 'leads'));
  const schedule = value.schedule === undefined ? undefined : validateSchedule(value.schedule, at(path, 'schedule'));
  const previous = value.previous === undefined ? undefined : parseSessionRef(value.previous);
  if (value.previous !== undefined && !previous) fail(at(path, 'previous'), `expected "<eventId>/<sessionId>" or {eventId, sessionId}, got ${describe(value.previous)}`);

  const topicsPath = at(path, 'topics');
  if (!Array.isArray(value.topics)) fail(topicsPath, `expected an array of topics, got ${describe(value.topics)}`);
  if (value.topics.length > IMPORT_LIMITS.topicsPerSession) {
    fail(topicsPath, `too many topics: ${value.topics.length} (at most ${IMPORT_LIMITS.topicsPerSession})`);
  }
  const seen = new Map<string, number>();
  const topics = value.topics.map((topic: unknown, i: number) => {
    const draft = validateTopic(topic, `${topicsPath}[${i}]`);
    if (draft.id !== undefined) {
      const first = seen.get(draft.id);
      if (first !== undefined) fail(`${topicsPath}[${i}].id`, `duplicate topic id "${draft.id}" (also topics[${first}].id)`);
      seen.set(draft.id, i);
    }
    return withOrigin(draft, jsonWhere(`${topicsPath}[${i}]`));
  });

  return withOrigin({
    ...(id !== undefined ? { id } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(leads !== undefined ? { leads } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    ...(previous !== undefined ? { previous } : {}),
    topics,
  }, jsonWhere(path));
}

function validateTopic(value: unknown, path: string): TopicDraft {
  if (!isRecord(value)) fail(path, `expected a topic object, got ${describe(value)}`);
  checkFields(value, TOPIC_FIELDS, new Set(), path);
  const id = optionalId(value.id, at(path, 'id'));
  const title = requiredString(value.title, at(path, 'title'), IMPORT_LIMITS.title);
  let speakers: string[] | undefined;
  if (value.speakers !== undefined) {
    const speakersPath = at(path, 'speakers');
    if (!Array.isArray(value.speakers)) fail(speakersPath, `expected an array of names, got ${describe(value.speakers)}`);
    if (value.speakers.length > IMPORT_LIMITS.speakersPerTopic) {
      fail(speakersPath, `too many speakers: ${value.speakers.length} (at most ${IMPORT_LIMITS.speakersPerTopic})`);
    }
    speakers = value.speakers.map((name: unknown, i: number) =>
      requiredString(name, `${speakersPath}[${i}]`, IMPORT_LIMITS.name),
    );
  }
  const abstract = optionalString(value.abstract, at(path, 'abstract'), IMPORT_LIMITS.abstract, true);
  const schedule = value.schedule === undefined ? undefined : validateSchedule(value.schedule, at(path, 'schedule'));
  return {
    ...(id !== undefined ? { id } : {}),
    title,
    ...(speakers !== undefined ? { speakers } : {}),
    ...(abstract !== undefined ? { abstract } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
  };
}

function validateLeads(value: unknown, path: string): Lead[] {
  if (!Array.isArray(value)) fail(path, `expected an array of {name, email?} objects, got ${describe(value)}`);
  if (value.length > IMPORT_LIMITS.leads) fail(path, `too many leads: ${value.length} (at most ${IMPORT_LIMITS.leads})`);
  return value.map((lead: unknown, i: number) => {
    const leadPath = `${path}[${i}]`;
    if (!isRecord(lead)) fail(leadPath, `expected a {name, email?} object, got ${describe(lead)}`);
    checkFields(lead, LEAD_FIELDS, new Set(), leadPath);
    const name = requiredString(lead.name, at(leadPath, 'name'), IMPORT_LIMITS.name);
    const email = optionalString(lead.email, at(leadPath, 'email'), IMPORT_LIMITS.email, false);
    if (email !== undefined && !EMAIL.test(email)) fail(at(leadPath, 'email'), `expected an email address, got "${email}"`);
    return email !== undefined ? { name, email } : { name };
  });
}

function validateSchedule(value: unknown, path: string): Schedule {
  if (!isRecord(value)) fail(path, `expected a {start, end?, room?} object, got ${describe(value)}`);
  checkFields(value, SCHEDULE_FIELDS, new Set(), path);
  const start = requiredString(value.start, at(path, 'start'), 64);
  if (!isIsoDateTime(start)) fail(at(path, 'start'), `expected an ISO 8601 date-time with offset (e.g. 2019-09-10T10:00:00+02:00), got "${start}"`);
  const end = optionalString(value.end, at(path, 'end'), 64, false);
  if (end !== undefined) {
    if (!isIsoDateTime(end)) fail(at(path, 'end'), `expected an ISO 8601 date-time with offset (e.g. 2019-09-10T13:30:00+02:00), got "${end}"`);
    if (Date.parse(end) < Date.parse(start)) fail(at(path, 'end'), `ends (${end}) before it starts (${start})`);
  }
  const room = optionalString(value.room, at(path, 'room'), IMPORT_LIMITS.name, false);
  return { start, ...(end !== undefined ? { end } : {}), ...(room !== undefined ? { room } : {}) };
}

/**
 * True for `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or `±HH:MM`, with every field in range
 * (Date.parse alone accepts 2019-02-30 by rolling it over to March).
 */
export function isIsoDateTime(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = m
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    (hour ?? 0) <= 23 &&
    (minute ?? 0) <= 59 &&
    (second ?? 0) <= 59 &&
    (offsetHours ?? 0) <= 14 &&
    (offsetMinutes ?? 0) <= 59
  );
}

// ---------------------------------------------------------------------------------------------

function fail(path: string, problem: string): never {
  throw new ImportError(`${path === '' ? '(root)' : path}: ${problem}`, { path });
}

function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function checkFields(
  value: Record<string, unknown>,
  allowed: readonly string[],
  ignored: ReadonlySet<string>,
  path: string,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key) && !ignored.has(key)) {
      fail(at(path, key), `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }
}

function requiredString(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') {
    fail(path, `expected a non-empty string, got ${value === '' ? 'an empty string' : describe(value)}`);
  }
  return checkLength(value.trim(), path, max);
}

function optionalString(value: unknown, path: string, max: number, allowEmpty: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(path, `expected a string, got ${describe(value)}`);
  const text = value.trim();
  if (text === '' && !allowEmpty) fail(path, 'expected a non-empty string (or leave the field out)');
  return checkLength(text, path, max);
}

function checkLength(text: string, path: string, max: number): string {
  if (text.length > max) fail(path, `too long: ${text.length} characters (at most ${max})`);
  return text;
}

function optionalId(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isValidId(value)) {
    fail(
      path,
      `expected an id of 1-64 lowercase letters, digits and inner hyphens (like "pid-dance"), got ${
        typeof value === 'string' ? `"${value.slice(0, 80)}"` : describe(value)
      }`,
    );
  }
  return value;
}
