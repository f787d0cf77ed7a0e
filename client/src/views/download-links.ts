/** Download links for an export (issue 5): one per format of `shared/export/formats.ts`. */
import { EXPORT_FORMATS } from '../../../shared/export/formats.ts';
import { h } from '../dom.ts';

const LABELS: Record<string, string> = { md: 'Markdown', html: 'HTML', json: 'JSON', txt: 'Text' };

export function downloadLinks(exportPath: string, label: string): HTMLElement {
  const links = EXPORT_FORMATS.flatMap((format, i) => [
    i > 0 ? ' ' : null,
    h('a', { href: `${exportPath}?format=${format}`, download: '', class: 'download', 'data-format': format, title: `${label} as ${LABELS[format] ?? format}` }, format),
  ]);
  return h('span', { class: 'downloads', 'data-testid': 'downloads' }, `${label}: `, ...links);
}
