/**
 * When the notes last changed, kept in the session state doc (which only the server writes) so it
 * is stored, replicated and restored with it, in the embedded and the cluster mode alike:
 *
 *   doc.getMap('activity')   'notesEditedAt' → ms since epoch of the last notes change
 *
 * Read by the Etherpad API's getLastEdited (issue #16).
 */
import * as Y from 'yjs';

export const ROOT_ACTIVITY = 'activity';
const NOTES_EDITED_AT = 'notesEditedAt';

/** The recorded time of the last notes change, or undefined (none recorded, or not a time). */
export function readNotesEditedAt(doc: Y.Doc): number | undefined {
  const value = doc.getMap<unknown>(ROOT_ACTIVITY).get(NOTES_EDITED_AT);
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Records `at` unless a later time is already recorded (the value never goes back). Returns true on change. */
export function recordNotesEdited(doc: Y.Doc, at: number): boolean {
  const known = readNotesEditedAt(doc);
  if (known !== undefined && known >= at) return false;
  doc.getMap<unknown>(ROOT_ACTIVITY).set(NOTES_EDITED_AT, at);
  return true;
}
