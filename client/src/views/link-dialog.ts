/**
 * The "shown once" dialog of a new session link (issue 15): the server returns a link's secret
 * only when it is created, so the dialog says so, offers Copy (with a fallback that selects the
 * text when the clipboard is not available) and the link's QR code for the room's screen.
 */
import { h } from '../dom.ts';
import { qrCodeElement } from './qr-code.ts';

/** An absolute URL for a link the server answered as a path (`/s/id?token=…`). */
export function absoluteLink(link: string): string {
  return new URL(link, location.origin).href;
}

/** Copies `text`; false when the clipboard is not available (then the caller selects it). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A copy button for `input`'s value, announcing the result in `status`. */
export function copyButton(input: HTMLInputElement, status: HTMLElement, label = 'Copy'): HTMLButtonElement {
  const button = h('button', { type: 'button', 'data-testid': 'copy-link' }, label);
  button.addEventListener('click', () => {
    void copyText(input.value).then((copied) => {
      if (!copied) {
        input.focus();
        input.select();
      }
      status.textContent = copied ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (⌘C) to copy.';
    });
  });
  return button;
}

/** Opens a modal with `link` (shown once), Copy and its QR code; removed from the page when closed. */
export function showLinkOnce(link: string, title: string, qrLabel: string): HTMLDialogElement {
  const url = absoluteLink(link);
  const status = h('p', { class: 'dialog-status', role: 'status', 'aria-live': 'polite' });
  const input = h('input', { type: 'text', readonly: true, value: url, id: 'new-link', 'data-testid': 'new-link', 'aria-describedby': 'new-link-note' });
  const qrHost = h('div', { class: 'qr-host' });
  const qrButton = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'data-testid': 'show-qr' }, 'Show QR code');
  qrButton.addEventListener('click', () => {
    const shown = qrHost.childElementCount > 0;
    qrHost.replaceChildren(...(shown ? [] : [qrCodeElement(url, qrLabel)]));
    qrButton.setAttribute('aria-expanded', String(!shown));
    qrButton.textContent = shown ? 'Show QR code' : 'Hide QR code';
  });
  const close = h('button', { type: 'button', class: 'secondary', 'data-testid': 'close-dialog' }, 'Done');
  const dialog = h(
    'dialog',
    { class: 'link-dialog card', 'aria-labelledby': 'link-dialog-title', 'data-testid': 'link-dialog' },
    h('h2', { id: 'link-dialog-title' }, title),
    h('label', { for: 'new-link' }, 'Link'),
    input,
    h('p', { id: 'new-link-note', class: 'muted' }, 'Shown once: copy it now. The server keeps only a fingerprint; if it is lost, create a new link and revoke this one.'),
    h('p', { class: 'dialog-actions' }, copyButton(input, status), ' ', qrButton, ' ', close),
    status,
    qrHost,
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
  input.select();
  return dialog;
}
