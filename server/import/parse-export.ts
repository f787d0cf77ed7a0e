/**
 * Validator for an mcpad JSON export (`{"format": "mcpad-export", "version": 1, ...}`) used as an
 * import: the session and topic metadata go through the ordinary JSON import validation (same
 * limits, same error paths), and each topic's notes and action items are validated for the
 * restore. Derived fields of the export (followUps, unassigned, contributors, generatedAt, scope)
 * are ignored. Pure; throws ImportError naming the JSON path.
 */
import type { SessionDraft } from '../../shared/domain.ts';
import type { DiscussedSlot, ExportAction, ExportDecision } from '../../shared/export/model.ts';
import { EXPORT_FORMAT_NAME, EXPORT_SCHEMA_VERSION } from '../../shared/export/render-json.ts';
import { ImportError } from './import-error.ts';

export const RESTORE_LIMITS = {
  notes: 1_000_000,
  actionsPerTopic: 1_000,
  actionText: 10_000,
  name: 300,
  shortField: 100,
} as const;

export interface RestoreSessionContent {
  sessionId: string;
  topics: Array<{ id: string; title: string; notes: string; actions: ExportAction[]; decisions: ExportDecision[]; discussed: DiscussedSlot[] }>;
}

export interface ParsedExport {
  event: { title?: string; description?: string };
  drafts: SessionDraft[];
  content: RestoreSessionContent[];
}

/** True for a value that declares itself an mcpad export. */
export function isExportDocument(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && value.format === EXPORT_FORMAT_NAME;
}

/**
 * Validates an export; `validateMetadata` is the JSON import validator (passed in so the two
 * modules do not import each other).
 */
export function parseExportDocument(value: Record<string, unknown>, validateMetadata: (value: unknown) => SessionDraft[]): ParsedExport {
  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail('version', `expected a positive whole number, got ${JSON.stringify(version)}`);
  if (version > EXPORT_SCHEMA_VERSION) fail('version', `version ${version} is newer than this server understands (${EXPORT_SCHEMA_VERSION}); upgrade mcpad`);
  const event: ParsedExport['event'] = {};
  if (value.event !== undefined) {
    if (!isRecord(value.event)) fail('event', 'expected an object');
    if (typeof value.event.title === 'string' && value.event.title.trim()) event.title = value.event.title.trim().slice(0, 300);
    if (typeof value.event.description === 'string') event.description = value.event.description.slice(0, 20_000);
  }
  if (!Array.isArray(value.sessions)) fail('sessions', 'expected an array of sessions');
  const sessions = value.sessions.map((session: unknown, i: number) => {
    if (!isRecord(session)) fail(`sessions[${i}]`, 'expected a session object');
    if (!Array.isArray(session.topics)) fail(`sessions[${i}].topics`, 'expected an array of topics');
    if (typeof session.id !== 'string') fail(`sessions[${i}].id`, 'an exported session needs its id');
    return session as Record<string, unknown> & { topics: unknown[] };
  });
  // Metadata: only the fields the JSON import knows, so newer minor fields do not fail the import.
  const drafts = validateMetadata({
    sessions: sessions.map((session) => ({
      ...pick(session, ['id', 'title', 'description', 'leads', 'schedule']),
      topics: session.topics.map((topic) => (isRecord(topic) ? pick(topic, ['id', 'title', 'speakers', 'abstract']) : topic)),
    })),
  });
  // Decision ids are unique per session (the doc's rule), so each session has its own set.
  const decisionIds = sessions.map(() => new Set<string>());
  const content = sessions.map((session, i): RestoreSessionContent => ({
    sessionId: session.id as string,
    topics: session.topics.map((topic, j) => {
      const path = `sessions[${i}].topics[${j}]`;
      const record = topic as Record<string, unknown>;
      if (typeof record.id !== 'string') fail(`${path}.id`, 'an exported topic needs its id');
      const notes = record.notes ?? '';
      if (typeof notes !== 'string') fail(`${path}.notes`, 'expected a string');
      if (notes.length > RESTORE_LIMITS.notes) fail(`${path}.notes`, `too long: ${notes.length} characters (at most ${RESTORE_LIMITS.notes})`);
      const actions = record.actions ?? [];
      if (!Array.isArray(actions)) fail(`${path}.actions`, 'expected an array of action items');
      if (actions.length > RESTORE_LIMITS.actionsPerTopic) fail(`${path}.actions`, `too many action items (at most ${RESTORE_LIMITS.actionsPerTopic})`);
      return {
        id: record.id,
        title: String(record.title ?? ''),
        notes,
        actions: actions.map((action: unknown, k: number) => validateAction(action, `${path}.actions[${k}]`)),
        decisions: validateDecisions(record.decisions, `${path}.decisions`, decisionIds[i]!),
        discussed: validateDiscussed(record.discussed, `${path}.discussed`),
      };
    }),
  }));
  return { event, drafts, content };
}

/** When the topic was really discussed: `[{start, end}]` ISO times (end null while ongoing). */
function validateDiscussed(value: unknown, path: string): DiscussedSlot[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > RESTORE_LIMITS.actionsPerTopic) fail(path, 'expected an array of {start, end} slots');
  return value.map((slot: unknown, i: number) => {
    if (!isRecord(slot) || typeof slot.start !== 'string' || Number.isNaN(Date.parse(slot.start))) fail(`${path}[${i}].start`, 'expected an ISO 8601 time');
    if (slot.end !== null && (typeof slot.end !== 'string' || Number.isNaN(Date.parse(slot.end)))) fail(`${path}[${i}].end`, 'expected an ISO 8601 time or null');
    return { start: slot.start, end: slot.end };
  });
}

/** A topic's decisions (absent in exports made before issue #17): ids are slugs, unique in the session. */
function validateDecisions(value: unknown, path: string, seen: Set<string>): ExportDecision[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'expected an array of decisions');
  if (value.length > RESTORE_LIMITS.actionsPerTopic) fail(path, `too many decisions (at most ${RESTORE_LIMITS.actionsPerTopic})`);
  return value.map((entry: unknown, i: number): ExportDecision => {
    const at = `${path}[${i}]`;
    if (!isRecord(entry)) fail(at, 'expected a decision object');
    const id = str(entry.id, `${at}.id`, RESTORE_LIMITS.shortField, true);
    if (!DECISION_ID.test(id)) fail(`${at}.id`, 'expected 1-64 letters, digits, "-" or "_"');
    if (seen.has(id)) fail(`${at}.id`, `decision id "${id}" appears twice`);
    seen.add(id);
    const decision: ExportDecision = {
      id,
      text: str(entry.text, `${at}.text`, RESTORE_LIMITS.actionText, true),
      createdBy: str(entry.createdBy ?? '', `${at}.createdBy`, RESTORE_LIMITS.name, false),
      createdAt: str(entry.createdAt ?? '', `${at}.createdAt`, RESTORE_LIMITS.shortField, false),
      agreed: false,
    };
    if (entry.agreedBy !== undefined) {
      decision.agreedBy = str(entry.agreedBy, `${at}.agreedBy`, RESTORE_LIMITS.name, true);
      decision.agreed = true;
      if (entry.agreedAt !== undefined) decision.agreedAt = str(entry.agreedAt, `${at}.agreedAt`, RESTORE_LIMITS.shortField, false);
    }
    return decision;
  });
}

const DECISION_ID = /^[A-Za-z0-9_-]{1,64}$/;

function validateAction(value: unknown, path: string): ExportAction {
  if (!isRecord(value)) fail(path, 'expected an action item object');
  const text = str(value.text, `${path}.text`, RESTORE_LIMITS.actionText, true);
  if (typeof value.done !== 'boolean') fail(`${path}.done`, 'expected true or false');
  const action: ExportAction = {
    id: str(value.id, `${path}.id`, RESTORE_LIMITS.shortField, true),
    text,
    done: value.done,
    createdBy: str(value.createdBy ?? '', `${path}.createdBy`, RESTORE_LIMITS.name, false),
    createdAt: str(value.createdAt ?? '', `${path}.createdAt`, RESTORE_LIMITS.shortField, false),
    status: str(value.status ?? (value.done ? 'done' : 'open'), `${path}.status`, RESTORE_LIMITS.shortField, true),
  };
  if (value.assignee !== undefined) {
    if (!isRecord(value.assignee)) fail(`${path}.assignee`, 'expected a {name, email?} object');
    const name = str(value.assignee.name, `${path}.assignee.name`, RESTORE_LIMITS.name, true);
    action.assignee = value.assignee.email === undefined ? { name } : { name, email: str(value.assignee.email, `${path}.assignee.email`, 254, true) };
  }
  if (value.due !== undefined) action.due = str(value.due, `${path}.due`, RESTORE_LIMITS.shortField, true);
  return action;
}

function str(value: unknown, path: string, max: number, required: boolean): string {
  if (typeof value !== 'string') fail(path, 'expected a string');
  if (required && value.trim() === '') fail(path, 'expected a non-empty string');
  if (value.length > max) fail(path, `too long: ${value.length} characters (at most ${max})`);
  return value;
}

function pick(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (record[key] !== undefined) out[key] = record[key];
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, problem: string): never {
  throw new ImportError(`${path}: ${problem}`, { path });
}
