/**
 * Reads a session doc's sections for export, including the follow-up fields (`assignee`, `due`,
 * `status`) that the follow-ups work stores as extra keys on an action item map. Synchronous, so a
 * caller holding the doc reads one consistent state even while people type.
 */
import * as Y from 'yjs';
import { SectionKey, sectionActions, sectionNotes, topicSections } from '../doc-schema.ts';
import { actionStatus, type ExportAction, type ExportAssignee, type ExportSectionContent } from './model.ts';

/** Every section of `doc` in order, as plain data. */
export function readExportSections(doc: Y.Doc): ExportSectionContent[] {
  return topicSections(doc)
    .toArray()
    .map((section) => ({
      id: String(section.get(SectionKey.id) ?? ''),
      title: String(section.get(SectionKey.title) ?? ''),
      notes: sectionNotes(section).toString(),
      actions: sectionActions(section).toArray().map(readExportAction),
    }));
}

/** One action item map as plain data, tolerating missing or mistyped fields. */
export function readExportAction(item: Y.Map<unknown>): ExportAction {
  const str = (key: string): string => {
    const value = item.get(key);
    return typeof value === 'string' ? value : '';
  };
  const done = item.get('done') === true;
  const assignee = readAssignee(item.get('assignee'));
  const due = str('due').trim();
  return {
    id: str('id'),
    text: str('text'),
    done,
    createdBy: str('createdBy'),
    createdAt: str('createdAt'),
    ...(assignee ? { assignee } : {}),
    ...(due ? { due } : {}),
    status: actionStatus(item.get('status'), done),
  };
}

/** An assignee stored as a plain `{name, email?}` object, a Y.Map of the same, or a bare name. */
function readAssignee(value: unknown): ExportAssignee | undefined {
  const plain = value instanceof Y.Map ? (value.toJSON() as unknown) : value;
  if (typeof plain === 'string') return plain.trim() ? { name: plain.trim() } : undefined;
  if (typeof plain !== 'object' || plain === null) return undefined;
  const { name, email } = plain as { name?: unknown; email?: unknown };
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  return typeof email === 'string' && email.trim() ? { name: name.trim(), email: email.trim() } : { name: name.trim() };
}
