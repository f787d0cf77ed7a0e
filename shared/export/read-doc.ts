/**
 * Reads a session's notes doc for export, joined with the follow-up fields (`assignee`, `due`,
 * `status`) of the session state doc. Synchronous, so a caller holding the doc reads one
 * consistent state even while people type.
 */
import type * as Y from 'yjs';
import { readSections, type ActionItem, type DecisionItem, type SkipReport } from '../doc-schema.ts';
import type { FollowupEntry } from '../followups.ts';
import { formatSessionRef } from '../session-ref.ts';
import { actionStatus, type ExportAction, type ExportAssignee, type ExportDecision, type ExportSectionContent } from './model.ts';

/** Every readable section of `doc` in order (see `readSections`), as plain data, with each item's
 *  follow-up entry when it has one. */
export function readExportSections(doc: Y.Doc, followups: ReadonlyMap<string, FollowupEntry> = new Map(), report?: SkipReport): ExportSectionContent[] {
  return readSections(doc, report).map((section) => ({
    ...section,
    actions: section.actions.map((item) => exportAction(item, followups.get(item.id))),
    decisions: section.decisions.map(exportDecision),
  }));
}

/** A decision as exports show it: `agreed` spelled out. */
export function exportDecision(item: DecisionItem): ExportDecision {
  const { agreedBy, agreedAt, ...fields } = item;
  return agreedBy !== undefined ? { ...fields, agreed: true, agreedBy, ...(agreedAt ? { agreedAt } : {}) } : { ...fields, agreed: false };
}

/** An action item joined with its follow-up entry. */
export function exportAction(item: ActionItem, followup?: FollowupEntry): ExportAction {
  const assignee = readAssignee(followup?.assignee);
  const due = followup?.due?.trim() ?? '';
  return {
    ...item,
    ...(assignee ? { assignee } : {}),
    ...(due ? { due } : {}),
    status: actionStatus(followup && followup.status !== 'open' ? followup.status : undefined, item.done),
    ...(followup?.carriedFrom ? { carriedFrom: formatSessionRef(followup.carriedFrom) } : {}),
    ...(followup?.carriedTo ? { carriedTo: formatSessionRef(followup.carriedTo) } : {}),
  };
}

/** An assignee `{name, email?}`, tolerating blank or mistyped fields. */
function readAssignee(value: unknown): ExportAssignee | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, email } = value as { name?: unknown; email?: unknown };
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  return typeof email === 'string' && email.trim() ? { name: name.trim(), email: email.trim() } : { name: name.trim() };
}
