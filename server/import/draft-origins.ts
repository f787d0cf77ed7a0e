/**
 * Where in the imported document each draft came from (`line 12`, `$.sessions[0].topics[3]`), so
 * an import preview (issue #15) can name the place of a non-fatal problem. Kept beside the drafts
 * (a WeakMap), so the drafts stay plain data and parsers that do not record origins still work.
 */
import type { SessionDraft, TopicDraft } from '../../shared/domain.ts';

const origins = new WeakMap<SessionDraft | TopicDraft, string>();
const problems = new WeakMap<SessionDraft, Array<{ where: string; message: string }>>();

/** Records that `draft` came from `where` (and, for a session, what its parser skipped); returns the draft. */
export function withOrigin<T extends SessionDraft | TopicDraft>(draft: T, where: string, skipped: Array<{ where: string; message: string }> = []): T {
  origins.set(draft, where);
  if (skipped.length > 0) problems.set(draft as SessionDraft, skipped);
  return draft;
}

/** Non-fatal problems the parser found in a session's part of the document (skipped parts). */
export function parserProblemsOf(draft: SessionDraft): Array<{ where: string; message: string }> {
  return problems.get(draft) ?? [];
}

/** Where `draft` came from, if its parser recorded it. */
export function originOf(draft: SessionDraft | TopicDraft): string | undefined {
  return origins.get(draft);
}

/** A JSON path as the preview shows it: `$.sessions[0].title` (`$` alone for the root). */
export function jsonWhere(path: string): string {
  return path === '' ? '$' : path.startsWith('[') ? `$${path}` : `$.${path}`;
}
