/**
 * The editable text of a list item (an action item or a decision): typed locally, written to the
 * item's `text` once on Enter, change or blur (one Yjs edit per change, not per keystroke). An empty
 * or unchanged value writes nothing and shows the doc's text again. While the user has typed
 * something not yet written, `isEditing` is true, so a remote change does not overwrite it.
 */
import type * as Y from 'yjs';
import { h } from '../dom.ts';

/** True while `field` holds typed text not yet written to the doc. */
export function isEditing(field: HTMLElement): boolean {
  return field.dataset['editing'] === 'true';
}

export function itemTextField(item: Y.Map<unknown>, docText: () => string): HTMLInputElement {
  const text = h('input', { type: 'text', class: 'action-text', autocomplete: 'off' });
  const commit = (): void => {
    delete text.dataset['editing'];
    const value = text.value.trim();
    if (value && value !== docText()) item.doc?.transact(() => item.set('text', value));
    else text.value = docText();
  };
  text.addEventListener('input', () => {
    text.dataset['editing'] = 'true';
  });
  text.addEventListener('change', commit);
  text.addEventListener('blur', () => {
    if (isEditing(text)) commit();
  });
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') commit();
  });
  return text;
}
