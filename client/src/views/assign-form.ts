/**
 * A lead's controls for one action item: assignee (name, optional email), due date and status,
 * sent as one PATCH (the server records who changed what). Used on the session page and the board.
 * Errors are shown next to the form; success shows up through the state doc (or the board's refresh).
 */
import { FOLLOWUP_STATUSES, type Assignment, type FollowupStatus } from '../../../shared/followups.ts';
import type { ApiAnswer } from '../api.ts';
import { h } from '../dom.ts';

export const STATUS_LABELS: Record<FollowupStatus, string> = { open: 'open', 'in-progress': 'in progress', done: 'done', dropped: 'dropped' };

export type AssignFn = (patch: Assignment) => Promise<ApiAnswer<unknown>>;

export interface AssignForm {
  element: HTMLDetailsElement;
  /** Shows `current` in the fields unless the lead is editing them. */
  show(current: Assignment): void;
}

let formCount = 0;

export function assignForm(itemText: () => string, assign: AssignFn): AssignForm {
  const n = ++formCount;
  const name = h('input', { type: 'text', name: 'assignee', id: `assignee-${n}`, autocomplete: 'off', maxlength: 200 });
  const email = h('input', { type: 'email', name: 'email', id: `email-${n}`, autocomplete: 'off', maxlength: 254 });
  const due = h('input', { type: 'date', name: 'due', id: `due-${n}` });
  const status = h('select', { name: 'status', id: `status-${n}` }, ...FOLLOWUP_STATUSES.map((s) => h('option', { value: s }, STATUS_LABELS[s])));
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'assign-error' });
  const save = h('button', { type: 'submit' }, 'Save');
  const form = h(
    'form',
    { class: 'assign-form' },
    h('label', { for: name.id }, 'Assignee', name),
    h('label', { for: email.id }, 'Email (optional)', email),
    h('label', { for: due.id }, 'Due', due),
    h('label', { for: status.id }, 'Status', status),
    h('div', { class: 'assign-actions' }, save),
    error,
  );
  const summary = h('summary', {}, 'Assign');
  const element = h('details', { class: 'assign' }, summary, form);
  let last: Assignment | null = null;
  const fill = (current: Assignment): void => {
    name.value = current.assignee?.name ?? '';
    email.value = current.assignee?.email ?? '';
    due.value = current.due ?? '';
    status.value = current.status;
  };
  // The fields always hold the latest assignment while the form is closed (show() below), so
  // opening it needs no refill; 'toggle' fires asynchronously and a refill there could overwrite
  // what the lead has just started typing. Closing it drops unsaved edits.
  element.addEventListener('toggle', () => {
    summary.setAttribute('aria-label', `Assign: ${itemText()}`);
    if (!element.open && last) fill(last);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const who = name.value.trim();
    const mail = email.value.trim();
    if (!who && mail) {
      error.textContent = 'An email needs a name.';
      return;
    }
    save.disabled = true;
    const answer = await assign({
      assignee: who ? { name: who, ...(mail ? { email: mail } : {}) } : null,
      due: due.value || null,
      status: status.value as FollowupStatus,
    });
    save.disabled = false;
    if (answer.ok) element.open = false;
    else error.textContent = answer.message;
  });
  summary.setAttribute('aria-label', `Assign: ${itemText()}`);
  return {
    element,
    show(current) {
      last = current;
      if (!element.open) fill(current);
    },
  };
}

/** "→ Alice · due 2026-12-01 · in progress", the follow-up fields as one line. */
export function assignmentText(a: Assignment): string {
  return [a.assignee && `→ ${a.assignee.name}`, a.due && `due ${a.due}`, a.status !== 'open' || a.assignee ? STATUS_LABELS[a.status] : ''].filter(Boolean).join(' · ');
}
