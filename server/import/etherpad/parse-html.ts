/**
 * Etherpad's `.html` export → Markdown lines. One linear scan over tags and text of the body:
 * `<br>` ends a line; `<ul>`/`<ol>` nest lists and each `<li>` starts an item (`- ` / `N. `,
 * two spaces per level; Etherpad leaves some `<li>` unclosed); `<strong>`/`<b>` → `**`,
 * `<em>`/`<i>` → `_`, `<s>`/`<del>` → `~~`, `<a href>` → `[text](href)` (the bare URL when the
 * text is the URL); `<u>` has no Markdown and keeps its text. Entities are decoded. No authors.
 */
import { listPrefix, trimTrailingEmpty, type PadLine, type ParsedPad } from './pad-lines.ts';

const MARKS: Record<string, string> = { strong: '**', b: '**', em: '_', i: '_', s: '~~', del: '~~', strike: '~~' };

export function parseEtherpadHtml(html: string): ParsedPad {
  const lower = html.toLowerCase();
  const bodyOpen = lower.indexOf('<body');
  const bodyStart = bodyOpen === -1 ? 0 : lower.indexOf('>', bodyOpen) + 1;
  const bodyClose = lower.lastIndexOf('</body');
  const body = html.slice(bodyStart, bodyClose === -1 ? html.length : bodyClose);

  const lines: PadLine[] = [];
  const lists: Array<{ kind: 'bullet' | 'number'; count: number }> = [];
  let prefix = '';
  let text = '';
  const links: Array<{ href: string; at: number }> = [];

  const flush = (always: boolean): void => {
    if (always || prefix !== '' || text.trim() !== '') {
      const content = prefix + text.replace(/\s+$/, '');
      lines.push({ runs: content === '' ? [] : [{ text: content, author: null }] });
    }
    prefix = '';
    text = '';
  };

  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const chunkEnd = lt === -1 ? body.length : lt;
    if (chunkEnd > i) text += decodeEntities(body.slice(i, chunkEnd).replace(/[\r\n]+/g, ''));
    if (lt === -1) break;
    const gt = body.indexOf('>', lt);
    if (gt === -1) break;
    const tag = body.slice(lt + 1, gt);
    i = gt + 1;
    const closing = tag.startsWith('/');
    const name = (/^\/?\s*([a-zA-Z0-9]+)/.exec(tag)?.[1] ?? '').toLowerCase();
    if (name === 'br') flush(true);
    else if (name === 'ul' || name === 'ol') {
      flush(false);
      if (closing) lists.pop();
      else lists.push({ kind: name === 'ul' ? 'bullet' : 'number', count: 0 });
    } else if (name === 'li') {
      flush(false);
      const list = lists.at(-1);
      if (!closing && list) {
        list.count++;
        prefix = listPrefix(list.kind, lists.length, list.count);
      }
    } else if (name === 'p' || name === 'div') {
      if (closing) flush(false);
    } else if (MARKS[name]) {
      text += MARKS[name];
    } else if (name === 'a') {
      if (!closing) {
        const href = /href\s*=\s*"([^"]*)"/i.exec(tag)?.[1];
        if (href !== undefined) links.push({ href: decodeEntities(href), at: text.length });
      } else {
        const link = links.pop();
        if (link) {
          const label = text.slice(link.at);
          if (label !== link.href && link.at <= text.length) text = `${text.slice(0, link.at)}[${label}](${link.href})`;
        }
      }
    }
  }
  flush(false);
  return { lines: trimTrailingEmpty(lines), authors: new Map() };
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{1,8});/g, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[entity.toLowerCase()] ?? whole;
  });
}
