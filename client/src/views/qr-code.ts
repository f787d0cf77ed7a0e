/**
 * A QR code of a link, as an inline SVG (sharp at any size: the projector's corner, a printed
 * sheet, a phone held up to the room's screen). lean-qr encodes; the figure is labelled for screen
 * readers with `label`, and the link itself is not repeated here (callers show it as text where it
 * should be readable).
 */
import { generate } from 'lean-qr';
import { toSvg } from 'lean-qr/extras/svg';
import { h } from '../dom.ts';

export function qrCodeElement(text: string, label: string): HTMLElement {
  const svg = toSvg(generate(text), document, { on: '#000', off: '#fff', pad: 4 });
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  // A QR code scans only dark-on-light, whatever the page's theme.
  return h('figure', { class: 'qr-code', role: 'img', 'aria-label': label, 'data-qr-text': text, 'data-testid': 'qr-code' }, svg);
}
