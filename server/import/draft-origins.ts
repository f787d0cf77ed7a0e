/**
 * Where in the imported document each draft came from (`line 12`, `$.sessions[0].topics[3]`), so
 * an import preview (issue #15) can name the place of a non-fatal problem. Kept beside the drafts
 * (a WeakMap), so the drafts stay plain data and parsers that do not record origins still work.
 */
import type { SessionDraft, TopicDraft } from '../../shared/domain.ts';

const origins = new WeakMap<SessionDraft | TopicDraft, string>();

/** Records that `draft` came from `where`; returns the draft. */
export function withOrigin<T extends SessionDraft | TopicDraft>(draft: T, where: string): T {
  origins.set(draft, where);
  return draft;
}

/** Where `draft` came from, if its parser recorded it. */
export function originOf(draft: SessionDraft | TopicDraft): string | undefined {
  return origins.get(draft);
}

/** A JSON path as the preview shows it: `$.sessions[0].title` (`$` alone for the root). */
export function jsonWhere(path: string): string {
  return path === '' ? '$' : path.startsWith('[') ? `$${path}` : `$.${path}`;
}
