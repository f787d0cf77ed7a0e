/**
 * A section's action items: tick done, edit the text, add one (shared `addActionItem`). Assignee,
 * due date and status come from the session state doc (`followup`), never from the item map;
 * leads get an assignment form per item. Rows are keyed by item id and updated in place, so a
 * remote change never steals focus. A text field shows the doc's text unless the note-taker has
 * typed in it and not committed yet (Enter, change or leaving the field): a field that merely has
 * the focus still shows others' edits, or the page would keep a text the doc no longer holds.
 */
import * as Y from 'yjs';
import { addActionItem, readActionItem, sectionActions, type SectionMap } from '../../../shared/doc-schema.ts';
import { UNASSIGNED, type Assignment, type FollowupEntry } from '../../../shared/followups.ts';
import { h } from '../dom.ts';
import { isEditing, itemTextField } from './item-text-field.ts';
import { syncRows } from './keyed-rows.ts';
import { assignForm, assignmentText, type AssignForm } from './assign-form.ts';
import { carryLinkNodes } from './carry-links.ts';

export interface ActionListOptions {
  readOnly: boolean;
  topicTitle: string;
  userName: () => string;
  /** The item's follow-up fields from the state doc, if it has any. */
  followup: (itemId: string) => FollowupEntry | undefined;
  /** Present for leads and admins: sends an assignment. */
  assign?: ((itemId: string, patch: Assignment) => ReturnType<Parameters<typeof assignForm>[1]>) | undefined;
}

interface Row {
  assignment: HTMLSpanElement;
  form: AssignForm | null;
  element: HTMLLIElement;
  done: HTMLInputElement | HTMLSpanElement;
  text: HTMLInputElement | HTMLSpanElement;
  /** The note-taker typed in the text field and has not committed it yet. */
  meta: HTMLSpanElement;
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ActionListView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLParagraphElement;
  private readonly rows = new Map<string, Row>();
  private readonly actions: Y.Array<unknown>;

  constructor(private readonly section: SectionMap, private readonly options: ActionListOptions) {
    // The page renders only sections with an action list; a detached empty list keeps this total.
    this.actions = sectionActions(section) ?? new Y.Array<unknown>();
    this.list = h('ul', { class: 'actions' });
    this.empty = h('p', { class: 'muted empty-actions' }, 'No action items yet.');
    this.element = h('div', { class: 'action-items' }, h('h3', {}, 'Action items'), this.empty, this.list);
    if (!options.readOnly) this.element.append(this.addForm());
    this.actions.observeDeep(() => this.render());
    this.render();
  }

  private addForm(): HTMLFormElement {
    const input = h('input', { type: 'text', name: 'action', placeholder: 'New action item', 'aria-label': `New action item for ${this.options.topicTitle}`, autocomplete: 'off' });
    const form = h('form', { class: 'add-action' }, input, h('button', { type: 'submit' }, 'Add'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      addActionItem(this.section, { id: newId(), text, createdBy: this.options.userName(), createdAt: new Date().toISOString() });
      input.value = '';
    });
    return form;
  }

  /** Re-reads the follow-up fields (called when the state doc changes). */
  refresh(): void {
    this.render();
  }

  private render(): void {
    // An entry that is not an item map (a malformed doc) is skipped; the server repairs it on load.
    const items = this.actions.toArray().filter((entry): entry is Y.Map<unknown> => entry instanceof Y.Map);
    syncRows(items, {
      list: this.list,
      rows: this.rows,
      keyOf: (item, index) => readActionItem(item).id || `#${index}`,
      create: (item) => this.newRow(item),
      update: (row, item) => this.update(row, item),
    });
    this.empty.hidden = items.length > 0;
  }

  private newRow(item: Y.Map<unknown>): Row {
    const meta = h('span', { class: 'action-meta' });
    const assignment = h('span', { class: 'followup', 'data-testid': 'followup' });
    const assign = this.options.assign;
    const itemId = readActionItem(item).id;
    const form = assign && itemId ? assignForm(() => readActionItem(item).text, (patch) => assign(itemId, patch)) : null;
    const details = h('span', { class: 'action-details' }, assignment, meta);
    if (this.options.readOnly) {
      const done = h('span', { class: 'done-mark', 'aria-hidden': 'true' });
      const text = h('span', { class: 'action-text' });
      return { element: h('li', { class: 'action', 'data-item-id': itemId }, done, text, details), done, text, meta, assignment, form: null };
    }
    const done = h('input', { type: 'checkbox' });
    done.addEventListener('change', () => item.doc?.transact(() => item.set('done', done.checked)));
    const text = itemTextField(item, () => readActionItem(item).text);
    return { element: h('li', { class: 'action', 'data-item-id': itemId }, done, text, details, form?.element), done, text, meta, assignment, form };
  }

  private update(row: Row, item: Y.Map<unknown>): void {
    const fields = readActionItem(item);
    row.element.classList.toggle('is-done', fields.done);
    if (row.done instanceof HTMLInputElement) {
      row.done.checked = fields.done;
      row.done.setAttribute('aria-label', `Done: ${fields.text}`);
    } else {
      row.done.textContent = fields.done ? '☑' : '☐';
    }
    if (row.text instanceof HTMLInputElement) {
      if (!isEditing(row.text)) row.text.value = fields.text;
      row.text.setAttribute('aria-label', `Action item text (${fields.done ? 'done' : 'open'})`);
    } else {
      row.text.textContent = fields.text;
    }
    const followup = this.options.followup(fields.id) ?? UNASSIGNED;
    row.assignment.textContent = assignmentText(followup);
    row.element.dataset['status'] = followup.status;
    row.form?.show(followup);
    row.meta.replaceChildren(fields.createdBy ? `captured by ${fields.createdBy}` : '', ...carryLinkNodes(this.options.followup(fields.id) ?? {}));
  }
}
