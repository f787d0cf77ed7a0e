/**
 * Notes Markdown → HTML, the one set of rules for every place that shows notes as HTML: the HTML
 * export (server/export/render-html.ts) and the browser's read and projector views
 * (client/src/read/notes-html.ts). Notes are untrusted, so the rendering is safe by construction
 * and every user then runs a sanitiser with the allow-list below as a second line of defence
 * (sanitize-html on the server, DOMPurify in the browser):
 *
 * - raw HTML typed in notes is never parsed (`html: false`: `<img onerror=…>` stays text);
 * - links only to `LINK_SCHEMES` (or relative/fragment links); anything else stays its Markdown
 *   source text, never an anchor;
 * - links get `rel="noopener noreferrer nofollow"` and lose their `title`;
 * - images become links (`[image: alt]`): nothing remote is loaded (no tracking pixels);
 * - headings in notes start below the topic heading (`#` is `h(1 + headingShift)`).
 *
 * Pure and isomorphic (markdown-it has no DOM or node:* dependency).
 */
import MarkdownIt from 'markdown-it';

/** Link schemes a rendered note may point to. */
export const LINK_SCHEMES: readonly string[] = ['http', 'https', 'mailto'];

/** What a sanitiser keeps of rendered notes (and of the export's own markup around them). */
export const ALLOWED_TAGS: readonly string[] = [
  'article', 'section', 'header', 'div', 'span', 'p', 'br', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'a', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'small', 'time',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
];

/** Attributes kept per tag (`*`: on every tag). */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  '*': ['class', 'id'],
  a: ['href', 'rel'],
  ol: ['start'],
  time: ['datetime'],
  th: ['style'],
  td: ['style'],
};

/** The only inline style kept: table cell alignment (markdown-it writes `text-align:…`). */
export const ALLOWED_CELL_ALIGN = /^(left|right|center)$/;

export const LINK_REL = 'noopener noreferrer nofollow';

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** True for a link a rendered note may carry: an allowed scheme, or none (relative, `#fragment`). */
export function isAllowedLink(url: string): boolean {
  // Browsers ignore control characters and spaces in a scheme ("java\tscript:"): strip them first.
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, '');
  if (compact.startsWith('//')) return false; // protocol-relative: another host, scheme unknown
  const scheme = SCHEME.exec(compact);
  return !scheme || LINK_SCHEMES.includes(scheme[1]!.toLowerCase());
}

export interface NotesMarkdownOptions {
  /** Levels added to headings typed in notes (the export's topic heading is h3, so 3). */
  headingShift: number;
}

/** A markdown-it instance with the notes rules (see the module comment). */
export function notesMarkdown({ headingShift }: NotesMarkdownOptions): InstanceType<typeof MarkdownIt> {
  const markdown = new MarkdownIt('default', { html: false, linkify: true, typographer: false });
  markdown.validateLink = isAllowedLink;
  markdown.core.ruler.push('mcpad_demote_headings', (state) => {
    for (const token of state.tokens) {
      if (token.type === 'heading_open' || token.type === 'heading_close') {
        token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + headingShift)}`;
      }
    }
  });
  markdown.core.ruler.push('mcpad_links', (state) => {
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        // Links whose text is the URL itself need no " <url>" after them in print.
        if (token.markup === 'linkify' || token.markup === 'autolink') token.attrJoin('class', 'bare');
        token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'title');
        token.attrSet('rel', LINK_REL);
      }
    }
  });
  // An image would be a remote request: keep it as a link to click instead.
  markdown.renderer.rules['image'] = (tokens, index, _options, env, self) => {
    const token = tokens[index]!;
    const alt = self.renderInlineAsText(token.children ?? [], markdown.options, env);
    const src = String(token.attrGet('src') ?? '');
    const label = markdown.utils.escapeHtml(`[image${alt ? `: ${alt}` : ''}]`);
    return src ? `<a href="${markdown.utils.escapeHtml(src)}" rel="${LINK_REL}">${label}</a>` : `<a>${label}</a>`;
  };
  return markdown;
}
