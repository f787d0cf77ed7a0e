/**
 * Parser for the markdown outline import format:
 *
 *   # Containers and Checkpoint/Restore MC          ← starts a session (title)
 *   The MC is the opportunity for runtime ...        ← optional description paragraphs
 *   Leads: Stéphane Graber <stgraber@stgraber.org>, Christian Brauner <christian@brauner.io>
 *   Schedule: 2019-09-10T10:00:00+02:00 / 2019-09-10T13:30:00+02:00
 *   Previous: lpc2019/containers-cr      (optional: the session this one follows on from, issue #17)
 *
 *   - CRIU and the PID dance                         ← a topic ("* " works too)
 *     - Speakers: Adrian Reber, Pavel Emelyanov      ← indented lines belong to the topic above:
 *     CRIU only restores processes with the same ... ←   "Speakers:" lines, anything else is its
 *     - Abstract: optional label                     ←   abstract
 *
 * Only `# ` (level-1) headings start sessions. Within an abstract or the description,
 * consecutive lines are joined with a space and paragraphs (blank line, or a new indented "- "
 * item) with a blank line. Errors name the 1-based line: a topic or text before the first
 * heading, a heading or topic with no text, unsupported `##` headings, unindented text after a
 * topic, repeated or malformed Leads/Schedule lines, values over the IMPORT_LIMITS.
 *
 * Pure: no I/O; the same text always gives the same drafts.
 */
import { withOrigin } from './draft-origins.ts';
import type { Lead, Schedule, SessionDraft, SessionRef, TopicDraft } from '../../shared/domain.ts';
import { parseSessionRef } from '../../shared/session-ref.ts';
import { ImportError } from './import-error.ts';
import { IMPORT_LIMITS, isIsoDateTime } from './parse-json.ts';
import { parseLeadList } from './lead-list.ts';

interface TopicBuilder {
  line: number;
  title: string;
  speakers: string[];
  paragraphs: string[];
  /** The next abstract line starts a new paragraph. */
  breakBefore: boolean;
}

interface SessionBuilder {
  line: number;
  title: string;
  descriptionParagraphs: string[];
  breakBefore: boolean;
  leads?: Lead[];
  schedule?: Schedule;
  previous?: SessionRef;
  topics: TopicBuilder[];
  /** Non-fatal problems (issue #15): what was skipped, and where. */
  problems: Array<{ where: string; message: string }>;
}

// Applied to trimmed lines. Greedy `.*` up to the end (`s`: any character) never backtracks; the
// lazy `(.*?)[ \t]*$` these replaced took minutes on a 200 KB line of spaces (issue #13).
const HEADING = /^(#+)(?:[ \t]+(.*))?$/s;
const TOPIC = /^[-*+](?:[ \t]+(.*))?$/s;
const LIST_MARKER = /^[-*+][ \t]+/;
const LEADS = /^leads?[ \t]*:[ \t]*(.*)$/i;
const SCHEDULE = /^schedule[ \t]*:[ \t]*(.*)$/i;
const PREVIOUS = /^previous[ \t]*:[ \t]*(.*)$/i;
const SPEAKERS = /^(?:[-*+][ \t]+)?speakers?[ \t]*:[ \t]*(.*)$/i;
const ABSTRACT_LABEL = /^abstract[ \t]*:[ \t]*/i;

/** The parse so far: every session, and the session and topic that following lines belong to. */
interface OutlineState {
  sessions: SessionBuilder[];
  session?: SessionBuilder | undefined;
  topic?: TopicBuilder | undefined;
}

type Fail = (problem: string) => never;

export function parseMarkdownOutline(text: string): SessionDraft[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const state: OutlineState = { sessions: [] };
  lines.forEach((raw, index) => {
    const n = index + 1;
    readLine(state, raw, n, (problem) => {
      throw new ImportError(`line ${n}: ${problem}`, { line: n });
    });
  });
  if (state.sessions.length === 0) {
    throw new ImportError('no sessions: expected at least one "# Session title" heading', { line: 1 });
  }
  return state.sessions.map(buildSession);
}

function readLine(state: OutlineState, raw: string, n: number, fail: Fail): void {
  if (raw.trim() === '') {
    if (state.topic) state.topic.breakBefore = true;
    else if (state.session) state.session.breakBefore = true;
    return;
  }
  const indented = /^[ \t]/.test(raw);
  const line = raw.trim();
  if (!indented && raw.startsWith('#') && startSession(state, line, n, fail)) return;
  const session = state.session;
  if (!session) {
    if (!indented && TOPIC.test(line)) fail(`topic "${line}" before any "# " session heading`);
    return fail(`text before the first "# " session heading: "${clip(line)}"`);
  }
  if (indented) readIndentedLine(state.topic, session, line, fail);
  else readSessionLine(state, session, line, n, fail);
}

/** `# Title` starts a session; false for "#hashtag", which is not a heading in markdown but text. */
function startSession(state: OutlineState, line: string, n: number, fail: Fail): boolean {
  const heading = HEADING.exec(line);
  if (!heading) return false;
  if ((heading[1] ?? '').length > 1) {
    fail(`"${heading[1]}" headings are not supported: "# " starts a session and "- " a topic`);
  }
  // An ATX heading may be closed by #s: "# Title #".
  const title = withoutClosingHashes(heading[2] ?? '').trim();
  if (title === '') fail('session heading "#" has no text');
  checkLength(title, IMPORT_LIMITS.title, 'session title', fail);
  state.session = { line: n, title, descriptionParagraphs: [], breakBefore: false, topics: [], problems: [] };
  state.topic = undefined;
  state.sessions.push(state.session);
  return true;
}

/** An unindented line in a session: a topic, its Leads: or Schedule: line, or description text. */
function readSessionLine(state: OutlineState, session: SessionBuilder, line: string, n: number, fail: Fail): void {
  const topicMatch = TOPIC.exec(line);
  if (topicMatch) {
    const title = (topicMatch[1] ?? '').trim();
    if (title === '') {
      // Skipped, not fatal: its indented lines go with it (a builder that is never added).
      session.problems.push({ where: `line ${n}`, message: 'a topic "-" without a title is skipped' });
      state.topic = { line: n, title, speakers: [], paragraphs: [], breakBefore: false };
      return;
    }
    checkLength(title, IMPORT_LIMITS.title, 'topic title', fail);
    if (session.topics.length >= IMPORT_LIMITS.topicsPerSession) {
      fail(`too many topics in session "${session.title}" (at most ${IMPORT_LIMITS.topicsPerSession})`);
    }
    state.topic = { line: n, title, speakers: [], paragraphs: [], breakBefore: false };
    session.topics.push(state.topic);
    return;
  }
  const leads = LEADS.exec(line);
  if (leads) return setLeads(session, leads[1] ?? '', fail);
  const schedule = SCHEDULE.exec(line);
  if (schedule) {
    if (session.schedule) fail(`second "Schedule:" line for session "${session.title}"`);
    session.schedule = parseSchedule(schedule[1] ?? '', fail);
    return;
  }
  const previous = PREVIOUS.exec(line);
  if (previous) {
    if (session.previous) fail(`second "Previous:" line for session "${session.title}"`);
    const ref = parseSessionRef(previous[1] ?? '');
    if (!ref) fail(`"Previous:" expects "<eventId>/<sessionId>", e.g. "Previous: lpc2019/containers-cr", got "${clip(previous[1] ?? '')}"`);
    session.previous = ref;
    return;
  }
  if (state.topic) {
    fail(`unindented text after topic "${clip(state.topic.title)}": indent it to add it to that topic's abstract, or start it with "- " to make it a topic`);
  }
  addLine(session.descriptionParagraphs, line, session.breakBefore);
  session.breakBefore = false;
}

function setLeads(session: SessionBuilder, text: string, fail: Fail): void {
  if (session.leads) fail(`second "Leads:" line for session "${session.title}"`);
  session.leads = parseLeadList(text);
  if (session.leads.length === 0) fail('"Leads:" names no one (expected "Leads: Name <email>, Name <email>")');
  if (session.leads.length > IMPORT_LIMITS.leads) fail(`too many leads (at most ${IMPORT_LIMITS.leads})`);
  for (const lead of session.leads) checkLength(lead.name, IMPORT_LIMITS.name, 'lead name', fail);
}

/** Indented: belongs to the topic above (speakers or abstract), or before any topic to the description. */
function readIndentedLine(topic: TopicBuilder | undefined, session: SessionBuilder, line: string, fail: Fail): void {
  if (!topic) {
    addLine(session.descriptionParagraphs, line, session.breakBefore);
    session.breakBefore = false;
    return;
  }
  const speakers = SPEAKERS.exec(line);
  if (speakers) {
    const names = splitNames(speakers[1] ?? '');
    if (names.length === 0) fail('"Speakers:" names no one (expected "- Speakers: Name, Name")');
    for (const name of names) checkLength(name, IMPORT_LIMITS.name, 'speaker name', fail);
    topic.speakers.push(...names);
    if (topic.speakers.length > IMPORT_LIMITS.speakersPerTopic) {
      fail(`too many speakers for topic "${clip(topic.title)}" (at most ${IMPORT_LIMITS.speakersPerTopic})`);
    }
    return;
  }
  const isItem = LIST_MARKER.test(line);
  const content = line.replace(LIST_MARKER, '').replace(ABSTRACT_LABEL, '');
  if (content === '') return;
  addLine(topic.paragraphs, content, topic.breakBefore || isItem);
  topic.breakBefore = false;
}

function buildSession(session: SessionBuilder): SessionDraft {
  const description = session.descriptionParagraphs.join('\n\n');
  checkLength(description, IMPORT_LIMITS.description, 'description', (problem) => {
    throw new ImportError(`line ${session.line}: session "${clip(session.title)}": ${problem}`, { line: session.line });
  });
  const topics = session.topics.map((topic): TopicDraft => {
    const abstract = topic.paragraphs.join('\n\n');
    checkLength(abstract, IMPORT_LIMITS.abstract, 'abstract', (problem) => {
      throw new ImportError(`line ${topic.line}: topic "${clip(topic.title)}": ${problem}`, { line: topic.line });
    });
    return withOrigin({
      title: topic.title,
      ...(topic.speakers.length > 0 ? { speakers: topic.speakers } : {}),
      ...(abstract !== '' ? { abstract } : {}),
    }, `line ${topic.line}`);
  });
  return withOrigin({
    title: session.title,
    ...(description !== '' ? { description } : {}),
    ...(session.leads ? { leads: session.leads } : {}),
    ...(session.schedule ? { schedule: session.schedule } : {}),
    ...(session.previous ? { previous: session.previous } : {}),
    topics,
  }, `line ${session.line}`, session.problems);
}

/** Appends a line to the last paragraph, or starts a new paragraph with it. */
function addLine(paragraphs: string[], line: string, newParagraph: boolean): void {
  const text = line.replace(/\s+/g, ' ');
  const last = paragraphs.length - 1;
  if (newParagraph || last < 0) paragraphs.push(text);
  else paragraphs[last] = `${paragraphs[last]} ${text}`;
}

/** "<ISO start> / <ISO end>" or "<ISO start>". */
function parseSchedule(text: string, fail: Fail): Schedule {
  const parts = text.split('/').map((part) => part.trim());
  const [start, end] = parts;
  if (parts.length > 2 || start === undefined || start === '') {
    fail(`expected "Schedule: <ISO start> / <ISO end>", got "Schedule: ${clip(text)}"`);
  }
  if (!isIsoDateTime(start)) fail(`schedule start "${clip(start)}" is not an ISO 8601 date-time with offset (e.g. 2019-09-10T10:00:00+02:00)`);
  if (end === undefined) return { start };
  if (!isIsoDateTime(end)) fail(`schedule end "${clip(end)}" is not an ISO 8601 date-time with offset (e.g. 2019-09-10T13:30:00+02:00)`);
  if (Date.parse(end) < Date.parse(start)) fail(`schedule ends (${end}) before it starts (${start})`);
  return { start, end };
}

/** "Title ##" → "Title " (hashes at the end after a space, or all of it); scanned, since the
 *  regex `(?:^|[ \t]+)#+$` retried every run of spaces to the end (quadratic). */
function withoutClosingHashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end === text.length) return text;
  return end === 0 || text[end - 1] === ' ' || text[end - 1] === '\t' ? text.slice(0, end) : text;
}

/** "A, B and C" → ["A", "B", "C"]. Whitespace is collapsed first: `\s*[,;]` over a long run of
 *  spaces is quadratic. */
function splitNames(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/ ?[,;] ?(?:and )?| and /i)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function checkLength(text: string, max: number, what: string, fail: Fail): void {
  if (text.length > max) fail(`${what} too long: ${text.length} characters (at most ${max})`);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
