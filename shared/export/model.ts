/**
 * The summary of one session or a whole event, as every export format sees it: session metadata,
 * each topic's notes and action items (with the follow-up fields when present), follow-ups grouped
 * by person, and contributors. Pure: built from plain data, so the same model feeds Markdown, HTML,
 * text and JSON and golden tests can pin the time.
 */
import type { Lead, Schedule, Session, Topic } from '../domain.ts';

export interface ExportAssignee {
  name: string;
  email?: string;
}

/** One action item; `assignee`, `due` and `status` come from the follow-ups work when present. */
export interface ExportAction {
  id: string;
  text: string;
  done: boolean;
  createdBy: string;
  createdAt: string;
  assignee?: ExportAssignee;
  /** ISO 8601 date (or date-time) as stored. */
  due?: string;
  /** The stored status, else `done` or `open` from the `done` flag. */
  status: string;
  /** Issue #17: the item this one was carried over from / to, as `<eventId>/<sessionId>`. */
  carriedFrom?: string;
  carriedTo?: string;
}

/** One decision (issue #17); `agreedBy`/`agreedAt` only when a lead or admin marked it agreed. */
export interface ExportDecision {
  id: string;
  text: string;
  createdBy: string;
  createdAt: string;
  agreed: boolean;
  agreedBy?: string;
  agreedAt?: string;
}

/** One topic section as read from a doc, before it is joined with the metadata. */
export interface ExportSectionContent {
  id: string;
  title: string;
  notes: string;
  actions: ExportAction[];
  /** Decisions in capture order (also what search indexes). */
  decisions: ExportDecision[];
}

/** When a topic was really discussed (a lead's "now discussing" pointer). */
export interface DiscussedSlot {
  start: string;
  end: string | null;
}

export interface ExportTopic extends ExportSectionContent {
  speakers: string[];
  abstract: string;
  /** Empty when nobody marked the topic as being discussed. */
  discussed: DiscussedSlot[];
}

export interface ExportSession {
  id: string;
  title: string;
  description: string;
  leads: Lead[];
  schedule?: Schedule;
  topics: ExportTopic[];
}

/**
 * One follow-up line of a summary (listed under its assignee): a flattened, read-only view for
 * rendering. Not the API's `Followup` (shared/followups.ts), which is the live action item with
 * its assignment and change history, as the board and `/api/.../action-items` show it.
 */
export interface SummaryFollowUp {
  sessionId: string;
  sessionTitle: string;
  topicId: string;
  topicTitle: string;
  actionId: string;
  text: string;
  due?: string;
  status: string;
  /** Issue #17: as on ExportAction. */
  carriedFrom?: string;
  carriedTo?: string;
}

export interface PersonFollowUps {
  name: string;
  email?: string;
  items: SummaryFollowUp[];
}

export interface SummaryModel {
  /** ISO 8601 time of the export. */
  generatedAt: string;
  scope: 'session' | 'event';
  event: { id: string; title: string; description: string };
  sessions: ExportSession[];
  /** Assigned action items grouped by assignee (by name, case-insensitively), names sorted. */
  followUps: PersonFollowUps[];
  /** Action items nobody is assigned to yet. */
  unassigned: SummaryFollowUp[];
  /** People who contributed, sorted: everyone whose text is in the notes (real per-character
   *  authorship) and everyone who captured an action item. */
  contributors: string[];
}

export interface SummaryInput {
  generatedAt: string;
  scope: 'session' | 'event';
  event: { id: string; title: string; description: string };
  sessions: Array<{
    session: Pick<Session, 'id' | 'title' | 'description' | 'leads' | 'schedule' | 'topics'>;
    sections: ExportSectionContent[];
    /** Names of everyone whose text is in the session's notes. */
    authors?: string[];
    /** Topic id → when it was really discussed. */
    discussed?: ReadonlyMap<string, DiscussedSlot[]>;
  }>;
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);

/** Joins metadata with doc content (doc order first, then topics the doc lacks) and derives the
 *  follow-ups and contributors. Deterministic for a given input. */
export function buildSummaryModel(input: SummaryInput): SummaryModel {
  const sessions = input.sessions.map(({ session, sections, discussed }) => exportSession(session, sections, discussed));
  const people = new Map<string, PersonFollowUps>();
  const unassigned: SummaryFollowUp[] = [];
  const contributors = new Map<string, string>();
  for (const name of input.sessions.flatMap((s) => s.authors ?? [])) {
    if (name.trim() && !contributors.has(name.trim().toLowerCase())) contributors.set(name.trim().toLowerCase(), name.trim());
  }
  for (const session of sessions) {
    for (const topic of session.topics) {
      for (const action of topic.actions) {
        const createdBy = action.createdBy.trim();
        if (createdBy && !contributors.has(createdBy.toLowerCase())) contributors.set(createdBy.toLowerCase(), createdBy);
        const item: SummaryFollowUp = {
          sessionId: session.id,
          sessionTitle: session.title,
          topicId: topic.id,
          topicTitle: topic.title,
          actionId: action.id,
          text: action.text,
          ...(action.due ? { due: action.due } : {}),
          status: action.status,
          ...(action.carriedFrom ? { carriedFrom: action.carriedFrom } : {}),
          ...(action.carriedTo ? { carriedTo: action.carriedTo } : {}),
        };
        const name = action.assignee?.name.trim();
        if (!name) {
          unassigned.push(item);
          continue;
        }
        const key = name.toLowerCase();
        let person = people.get(key);
        if (!person) {
          person = { name, items: [] };
          people.set(key, person);
        }
        if (!person.email && action.assignee?.email) person.email = action.assignee.email;
        person.items.push(item);
      }
    }
  }
  return {
    generatedAt: input.generatedAt,
    scope: input.scope,
    event: { ...input.event },
    sessions,
    followUps: [...people.values()].sort((a, b) => byName(a.name, b.name)),
    unassigned,
    contributors: [...contributors.values()].sort(byName),
  };
}

function exportSession(
  session: SummaryInput['sessions'][number]['session'],
  sections: ExportSectionContent[],
  discussed: ReadonlyMap<string, DiscussedSlot[]> = new Map(),
): ExportSession {
  const metaTopics = new Map<string, Topic>(session.topics.map((topic) => [topic.id, topic]));
  const seen = new Set<string>();
  const topics: ExportTopic[] = [];
  for (const section of sections) {
    seen.add(section.id);
    const topic = metaTopics.get(section.id);
    // The metadata's title: the doc's copy is written by the server, but a client could change it.
    topics.push({ ...section, title: topic?.title ?? section.title, speakers: topic?.speakers ?? [], abstract: topic?.abstract ?? '', discussed: discussed.get(section.id) ?? [] });
  }
  for (const topic of session.topics) {
    if (!seen.has(topic.id)) {
      topics.push({ id: topic.id, title: topic.title, notes: '', actions: [], decisions: [], speakers: topic.speakers, abstract: topic.abstract, discussed: discussed.get(topic.id) ?? [] });
    }
  }
  return {
    id: session.id,
    title: session.title,
    description: session.description,
    leads: session.leads.map((lead) => ({ ...lead })),
    ...(session.schedule ? { schedule: { ...session.schedule } } : {}),
    topics,
  };
}

/** Every decision of a model with where it was taken, in session and topic order (the mail's summary list). */
export function allDecisions(model: Pick<SummaryModel, 'sessions'>): Array<{ session: ExportSession; topic: ExportTopic; decision: ExportDecision }> {
  return model.sessions.flatMap((session) => session.topics.flatMap((topic) => topic.decisions.map((decision) => ({ session, topic, decision }))));
}

/** Status shown for an action item: the stored one, else from the `done` flag. */
export function actionStatus(stored: unknown, done: boolean): string {
  return typeof stored === 'string' && stored.trim() !== '' ? stored.trim() : done ? 'done' : 'open';
}
