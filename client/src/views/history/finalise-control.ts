/**
 * "Finalise as -NN" for leads. Before the session's scheduled end the server refuses with
 * CONFIRMATION_REQUIRED; the dialog then asks, and "Finalise anyway" sends the confirmation.
 */
import type { CheckpointInfo } from '../../../../shared/api.ts';
import { h } from '../../dom.ts';
import type { HistoryContext } from './history-context.ts';

export interface FinaliseControl {
  button: HTMLButtonElement;
  dialog: HTMLDialogElement;
  /** Names the version the next finalise creates. */
  showNext(): void;
}

/** `nextLabel` names the version a finalise would create; `reload` refreshes the page's lists. */
export function finaliseControl({ call, message }: HistoryContext, nextLabel: () => string, reload: () => Promise<void>): FinaliseControl {
  const button = h('button', { type: 'button', 'data-testid': 'finalise' }, 'Finalise');
  const confirmText = h('p', {});
  const confirmYes = h('button', { type: 'button', value: 'yes', 'data-testid': 'confirm-finalise' }, 'Finalise anyway');
  const confirmNo = h('button', { type: 'button', value: 'no', class: 'secondary' }, 'Cancel');
  const dialog = h('dialog', { class: 'confirm card', 'data-testid': 'finalise-dialog', 'aria-labelledby': 'confirm-title' }, h('h2', { id: 'confirm-title' }, 'Finalise before the end?'), confirmText, h('p', { class: 'dialog-actions' }, confirmYes, ' ', confirmNo));

  const sendFinalise = async (confirm: boolean): Promise<void> => {
    button.disabled = true;
    const answer = await call<CheckpointInfo>('POST', '/versions', confirm ? { confirm: true } : {});
    button.disabled = false;
    if (!answer.ok && answer.code === 'CONFIRMATION_REQUIRED') {
      // The server's sentence up to its remedy ("…end at <time>; finalising now needs confirmation…"): the dialog asks instead.
      confirmText.textContent = `${answer.message.replace(/;.*$/s, '.')} Finalise as ${nextLabel()} now? Later edits stay possible but do not change ${nextLabel()}.`;
      dialog.showModal();
      return;
    }
    message.textContent = answer.ok ? '' : answer.message;
    await reload();
  };
  button.addEventListener('click', () => void sendFinalise(false));
  confirmYes.addEventListener('click', () => {
    dialog.close();
    void sendFinalise(true);
  });
  confirmNo.addEventListener('click', () => dialog.close());
  return { button, dialog, showNext: () => (button.textContent = `Finalise as ${nextLabel()}`) };
}
