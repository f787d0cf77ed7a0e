/**
 * Notes Markdown → DOM for the read and projector views: rendered by the shared notes rules
 * (shared/markdown-html.ts, the same as the HTML export), then sanitised by DOMPurify with the
 * export's allow-list (tags, attributes per tag, link schemes, table alignment only) as a second
 * line of defence. Raw HTML typed in notes is text from the start; nothing here runs or loads.
 */
import DOMPurify from 'dompurify';
import { ALLOWED_ATTRIBUTES, ALLOWED_CELL_ALIGN, ALLOWED_TAGS, isAllowedLink, notesMarkdown } from '../../../shared/markdown-html.ts';

const allAttributes = [...new Set(Object.values(ALLOWED_ATTRIBUTES).flat())];

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** One DOMPurify instance with our per-tag rules (DOMPurify's own lists are not per tag). */
function sanitizer(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  instance.addHook('uponSanitizeAttribute', (node, data) => {
    const tag = node.nodeName.toLowerCase();
    const allowed = (ALLOWED_ATTRIBUTES['*'] ?? []).includes(data.attrName) || (ALLOWED_ATTRIBUTES[tag] ?? []).includes(data.attrName);
    if (!allowed) data.keepAttr = false;
    else if (data.attrName === 'href' && !isAllowedLink(data.attrValue)) data.keepAttr = false;
    else if (data.attrName === 'style') {
      const align = /^\s*text-align\s*:\s*([a-z]+)\s*;?\s*$/i.exec(data.attrValue);
      if (align && ALLOWED_CELL_ALIGN.test(align[1]!)) data.attrValue = `text-align:${align[1]!.toLowerCase()}`;
      else data.keepAttr = false;
    }
  });
  purifier = instance;
  return instance;
}

export interface NotesRenderer {
  /** The notes as sanitised DOM nodes, ready to replace a container's children. */
  render(markdown: string): DocumentFragment;
}

/** `headingShift`: levels added to headings typed in notes (below the view's topic heading). */
export function notesRenderer(headingShift: number): NotesRenderer {
  const markdown = notesMarkdown({ headingShift });
  return {
    render(text: string): DocumentFragment {
      return sanitizer().sanitize(markdown.render(text), {
        ALLOWED_TAGS: [...ALLOWED_TAGS],
        ALLOWED_ATTR: allAttributes,
        ALLOW_DATA_ATTR: false,
        ALLOW_ARIA_ATTR: false,
        RETURN_DOM_FRAGMENT: true,
      });
    },
  };
}
