/**
 * Reads a session's notes doc for export, joined with the follow-up fields (`assignee`, `due`,
 * `status`) of the session state doc. Synchronous, so a caller holding the doc reads one
 * consistent state even while people type.
 */
import type * as Y from 'yjs';
import { SectionKey, sectionActions, sectionNotes, topicSections } from '../doc-schema.ts';
import type { FollowupEntry } from '../followups.ts';
import { actionStatus, type ExportAction, type ExportAssignee, type ExportSectionContent } from './model.ts';

/** Every section of `doc` in order, as plain data, with each item's follow-up entry when it has one. */
export function readExportSections(doc: Y.Doc, followups: ReadonlyMap<string, FollowupEntry> = new Map()): ExportSectionContent[] {
  return topicSections(doc)
    .toArray()
    .map((section) => ({
      id: String(section.get(SectionKey.id) ?? ''),
      title: String(section.get(SectionKey.title) ?? ''),
      notes: sectionNotes(section).toString(),
      actions: sectionActions(section)
        .toArray()
        .map((item) => readExportAction(item, followups.get(String(item.get('id') ?? '')))),
    }));
}

/** One action item map as plain data, tolerating missing or mistyped fields. */
export function readExportAction(item: Y.Map<unknown>, followup?: FollowupEntry): ExportAction {
  const str = (key: string): string => {
    const value = item.get(key);
    return typeof value === 'string' ? value : '';
  };
  const done = item.get('done') === true;
  const assignee = readAssignee(followup?.assignee);
  const due = followup?.due?.trim() ?? '';
  return {
    id: str('id'),
    text: str('text'),
    done,
    createdBy: str('createdBy'),
    createdAt: str('createdAt'),
    ...(assignee ? { assignee } : {}),
    ...(due ? { due } : {}),
    status: actionStatus(followup && followup.status !== 'open' ? followup.status : undefined, done),
  };
}

/** An assignee `{name, email?}`, tolerating blank or mistyped fields. */
function readAssignee(value: unknown): ExportAssignee | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, email } = value as { name?: unknown; email?: unknown };
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  return typeof email === 'string' && email.trim() ? { name: name.trim(), email: email.trim() } : { name: name.trim() };
}
