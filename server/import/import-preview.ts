/**
 * The import preview (issue #15, `?dryRun=true`): what an import would create, computed on a copy
 * of the metadata and never saved. Lists each session with its leads and schedule and each
 * imported topic as `new` or `existing` (already in the session, by id or title: the import skips
 * it), plus non-fatal problems, each naming where in the document it is (`line 12`, `$.sessions[0]`).
 */
import type { SessionDraft, Topic, TopicDraft } from '../../shared/domain.ts';
import type { ImportOptions, MetaService } from '../meta/meta-service.ts';
import { originOf, parserProblemsOf } from './draft-origins.ts';

export interface ImportProblem {
  where: string;
  message: string;
}

export interface PreviewTopic {
  id: string;
  title: string;
  speakers: string[];
  status: 'new' | 'existing';
}

export interface PreviewSession {
  id: string;
  title: string;
  leads: Array<{ name: string; email?: string }>;
  schedule?: { start: string; end?: string; room?: string };
  exists: boolean;
  topics: PreviewTopic[];
}

export interface ImportPreview {
  dryRun: true;
  sessions: PreviewSession[];
  problems: ImportProblem[];
}

/** Previews importing `drafts` into `eventId`; throws (AppError) exactly where the import would. */
export function previewImport(meta: MetaService, eventId: string, drafts: readonly SessionDraft[], options: ImportOptions = {}): ImportPreview {
  const { result, sessions } = meta.previewImport(eventId, drafts, options);
  const problems: ImportProblem[] = drafts.flatMap((draft) => parserProblemsOf(draft));
  const preview = result.sessions.map((imported, i): PreviewSession => {
    const session = sessions[i]!;
    const existing = imported.created ? [] : (meta.findSession(imported.id)?.topics ?? []);
    const topics = previewTopics(drafts[i]!, existing, session.topics, problems, i);
    return {
      id: session.id,
      title: session.title,
      leads: session.leads,
      ...(session.schedule ? { schedule: session.schedule } : {}),
      exists: !imported.created,
      topics,
    };
  });
  return { dryRun: true, sessions: preview, problems };
}

/** Each drafted topic with its status, as appendTopics (meta-import.ts) would treat it. */
function previewTopics(draft: SessionDraft, existing: readonly Topic[], after: readonly Topic[], problems: ImportProblem[], index: number): PreviewTopic[] {
  const byTitle = (title: string) => (topic: Topic) => topic.title.trim().toLowerCase() === title.toLowerCase();
  const seen = new Set<string>();
  const existingIds = new Set(existing.map((t) => t.id));
  const out: PreviewTopic[] = [];
  draft.topics.forEach((topic: TopicDraft, j) => {
    const title = topic.title.trim();
    const where = originOf(topic) ?? originOf(draft) ?? `$.sessions[${index}].topics[${j}]`;
    const old = existing.find((t) => (topic.id !== undefined && t.id === topic.id) || byTitle(title)(t));
    if (old) {
      out.push({ id: old.id, title: old.title, speakers: old.speakers, status: 'existing' });
      return;
    }
    if (seen.has(title.toLowerCase())) {
      problems.push({ where, message: `topic "${title}" appears twice in the import: the repeat is skipped` });
      return;
    }
    seen.add(title.toLowerCase());
    const created = after.find((t) => !existingIds.has(t.id) && ((topic.id !== undefined && t.id === topic.id) || byTitle(title)(t)));
    out.push({ id: created?.id ?? topic.id ?? '', title, speakers: topic.speakers ?? [], status: 'new' });
  });
  return out;
}
