/**
 * A section's decisions (issue #17): the list (text editable by anyone who may edit; "Agreed"
 * badge with who agreed), "+ Decision", a lead's "Mark agreed" / "Not agreed" (an API call: only
 * the server writes the agreement), and the notes' "Decision:" / "Agreed:" lines not recorded yet,
 * each offered as one "Record as decision" button. Recording writes the doc as action items do
 * (shared `addDecision`). Rows are keyed by id and updated in place, so focus is never stolen.
 */
import * as Y from 'yjs';
import { addDecision, readDecisionItem, type DecisionItem, type SectionMap } from '../../../shared/doc-schema.ts';
import { decisionCandidates } from '../decisions/decision-candidates.ts';
import type { ApiAnswer } from '../api.ts';
import { h } from '../dom.ts';
import { isEditing, itemTextField } from './item-text-field.ts';
import { syncRows } from './keyed-rows.ts';

export interface DecisionListOptions {
  readOnly: boolean;
  topicTitle: string;
  userName: () => string;
  /** Present for leads and admins: marks a decision agreed (true) or not (false). */
  agree?: ((decisionId: string, agreed: boolean) => Promise<ApiAnswer<unknown>>) | undefined;
}

interface Row {
  element: HTMLLIElement;
  text: HTMLInputElement | HTMLSpanElement;
  badge: HTMLSpanElement;
  meta: HTMLSpanElement;
  agree: HTMLButtonElement | null;
  /** Typed in the text field and not committed yet. */
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const items = (list: Y.Array<unknown>): Y.Map<unknown>[] => list.toArray().filter((entry): entry is Y.Map<unknown> => entry instanceof Y.Map);

export class DecisionListView {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'decision-list' });
  private readonly empty = h('p', { class: 'muted empty-actions' }, 'No decisions yet.');
  private readonly candidates = h('ul', { class: 'decision-candidates', 'aria-label': 'Decision lines in the notes' });
  private readonly status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  private readonly error = h('p', { class: 'form-error', role: 'alert' });
  private readonly rows = new Map<string, Row>();
  private shownCandidates = '';

  constructor(
    private readonly section: SectionMap,
    private readonly decisions: Y.Array<unknown>,
    private readonly notes: Y.Text,
    private readonly options: DecisionListOptions,
  ) {
    this.element = h('div', { class: 'decisions', 'data-testid': 'decisions' }, h('h3', {}, 'Decisions'), this.empty, this.list, this.error, this.status);
    if (!options.readOnly) this.element.append(this.candidates, this.addForm());
    this.decisions.observeDeep(() => this.render());
    if (!options.readOnly) this.notes.observe(() => this.renderCandidates());
    this.render();
  }

  private record(text: string): void {
    addDecision(this.section, { id: newId(), text, createdBy: this.options.userName(), createdAt: new Date().toISOString() });
    this.status.textContent = `Decision recorded: ${text}`;
  }

  private addForm(): HTMLFormElement {
    const input = h('input', { type: 'text', name: 'decision', placeholder: 'New decision', 'aria-label': `New decision for ${this.options.topicTitle}`, autocomplete: 'off' });
    const form = h('form', { class: 'add-action add-decision' }, input, h('button', { type: 'submit' }, '+ Decision'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      this.record(text);
      input.value = '';
    });
    return form;
  }

  private render(): void {
    const maps = items(this.decisions);
    syncRows(maps, {
      list: this.list,
      rows: this.rows,
      keyOf: (item, index) => readDecisionItem(item).id || `#${index}`,
      create: (item) => this.newRow(item),
      update: (row, item) => this.update(row, readDecisionItem(item)),
    });
    this.empty.hidden = maps.length > 0;
    if (!this.options.readOnly) this.renderCandidates();
  }

  /** The notes' decision lines not recorded yet; the DOM changes only when the list does. */
  private renderCandidates(): void {
    const texts = decisionCandidates(this.notes.toString(), items(this.decisions).map((item) => readDecisionItem(item).text));
    const key = JSON.stringify(texts);
    if (key === this.shownCandidates) return;
    this.shownCandidates = key;
    this.candidates.replaceChildren(
      ...texts.map((text) => {
        const button = h('button', { type: 'button', class: 'small secondary', 'aria-label': `Record as decision: ${text}` }, 'Record as decision');
        button.addEventListener('click', () => this.record(text));
        return h('li', { class: 'decision-candidate' }, button, ' ', h('span', { class: 'muted' }, text));
      }),
    );
    this.candidates.hidden = texts.length === 0;
  }

  private newRow(item: Y.Map<unknown>): Row {
    const id = readDecisionItem(item).id;
    const badge = h('span', { class: 'agreed-badge' }, 'Agreed');
    const meta = h('span', { class: 'action-meta' });
    const agree = this.options.agree && id ? this.agreeButton(item, id) : null;
    const details = h('span', { class: 'action-details' }, badge, meta, agree);
    if (this.options.readOnly) {
      const text = h('span', { class: 'action-text' });
      return { element: h('li', { class: 'decision', 'data-decision-id': id }, text, details), text, badge, meta, agree: null };
    }
    const text = itemTextField(item, () => readDecisionItem(item).text);
    return { element: h('li', { class: 'decision', 'data-decision-id': id }, text, details), text, badge, meta, agree };
  }

  /** A lead's toggle: asks the server, which writes the agreement (clients may not). */
  private agreeButton(item: Y.Map<unknown>, id: string): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'small secondary agree', 'data-testid': 'agree' }, 'Mark agreed');
    button.addEventListener('click', async () => {
      const agreed = readDecisionItem(item).agreedBy === undefined;
      this.error.textContent = '';
      button.disabled = true;
      const answer = await this.options.agree!(id, agreed);
      button.disabled = false;
      if (answer.ok) this.status.textContent = agreed ? `Marked agreed: ${readDecisionItem(item).text}` : `No longer agreed: ${readDecisionItem(item).text}`;
      else this.error.textContent = answer.message;
    });
    return button;
  }

  private update(row: Row, decision: DecisionItem): void {
    const agreed = decision.agreedBy !== undefined;
    row.element.classList.toggle('is-agreed', agreed);
    row.badge.hidden = !agreed;
    if (row.text instanceof HTMLInputElement) {
      if (!isEditing(row.text)) row.text.value = decision.text;
      row.text.setAttribute('aria-label', `Decision text${agreed ? ' (agreed)' : ''}`);
    } else {
      row.text.textContent = decision.text;
    }
    const who = [decision.createdBy ? `recorded by ${decision.createdBy}` : '', agreed && decision.agreedBy ? `agreed by ${decision.agreedBy}` : ''];
    row.meta.textContent = who.filter(Boolean).join(' · ');
    if (row.agree) {
      row.agree.textContent = agreed ? 'Not agreed' : 'Mark agreed';
      row.agree.setAttribute('aria-label', `${agreed ? 'Mark not agreed' : 'Mark agreed'}: ${decision.text}`);
    }
  }
}
