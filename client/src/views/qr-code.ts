/**
 * A QR code of a link, for the room's screen or a phone camera: an SVG image (lean-qr) with the
 * link's purpose as its accessible name. The CSP allows `data:` images (server/app.ts).
 */
import { generate } from 'lean-qr';
import { toSvgDataURL } from 'lean-qr/extras/svg';
import { h } from '../dom.ts';

/** A figure with the QR code of `text` (an absolute URL, usually) named `label` for screen readers. */
export function qrCodeElement(text: string, label: string): HTMLElement {
  const code = generate(text);
  const src = toSvgDataURL(code, { on: 'black', off: 'white', pad: 4 });
  return h('figure', { class: 'qr-code', 'data-testid': 'qr-code' }, h('img', { src, alt: `QR code: ${label}`, width: 220, height: 220 }), h('figcaption', { class: 'muted' }, label));
}
