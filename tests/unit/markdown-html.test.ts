/**
 * The one set of notes Markdown → HTML rules (shared/markdown-html.ts), used by the HTML export
 * and the browser's read and projector views: raw HTML stays text, links only to allowed schemes,
 * images become links, and the export's sanitiser finds nothing to change in what it renders.
 */
import { describe, expect, it } from 'vitest';
import { sanitizeFragment } from '../../server/export/render-html.ts';
import { isAllowedLink, LINK_REL, notesMarkdown } from '../../shared/markdown-html.ts';

const markdown = notesMarkdown({ headingShift: 3 });

const HOSTILE_NOTES = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](vbscript:msgbox)',
  '[click](data:text/html;base64,PHNjcmlwdD4=)',
  '[click](//evil.example/x)',
  '![pixel](https://tracker.example/p.gif "t")',
  '![](https://tracker.example/p.gif)',
  '![x](javascript:alert(1))',
  '<style>body{display:none}</style>',
  '<iframe src="https://evil.example"></iframe>',
  '[x](https://example.org "title") and https://example.org/bare and <https://example.org/auto>',
  '[mail](mailto:someone@example.org) [rel](./other#frag) [frag](#top)',
  '| a | b |\n|:-:|--:|\n| 1 | 2 |',
  '# Heading\n\n```js\nconst x = "<b>";\n```\n\n> quote\n\n1. one\n2. two',
  '**decision**: ship it',
];

describe('notes Markdown → HTML rules', () => {
  it('renders Markdown formatting', () => {
    expect(markdown.render('**decision**: ship it')).toBe('<p><strong>decision</strong>: ship it</p>\n');
    expect(markdown.render('# Title')).toBe('<h4>Title</h4>\n');
    expect(notesMarkdown({ headingShift: 1 }).render('# Title')).toBe('<h2>Title</h2>\n');
    expect(markdown.render('###### deep')).toBe('<h6>deep</h6>\n');
  });

  it('keeps raw HTML typed in notes as text', () => {
    const html = markdown.render('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    expect(html).toBe('<p>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
  });

  it('links only to http, https, mailto and relative targets, with rel and without title', () => {
    expect(markdown.render('[x](https://example.org "t")')).toBe(`<p><a href="https://example.org" rel="${LINK_REL}">x</a></p>\n`);
    expect(markdown.render('https://example.org')).toBe(`<p><a href="https://example.org" class="bare" rel="${LINK_REL}">https://example.org</a></p>\n`);
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:x', 'java\tscript:x', 'vbscript:x', 'data:text/html,x', 'file:///etc/passwd', '//evil.example', 'ftp://x.example']) {
      expect(isAllowedLink(bad), bad).toBe(false);
      expect(markdown.render(`[x](${bad})`), bad).not.toContain('<a');
    }
    for (const good of ['https://a.example', 'HTTP://a.example', 'mailto:a@b.example', '#frag', './x', '/s/abc/read']) expect(isAllowedLink(good), good).toBe(true);
  });

  it('turns images into links, so nothing remote is loaded', () => {
    expect(markdown.render('![pixel](https://t.example/p.gif)')).toBe(`<p><a href="https://t.example/p.gif" rel="${LINK_REL}">[image: pixel]</a></p>\n`);
    expect(markdown.render('![](https://t.example/p.gif)')).toBe(`<p><a href="https://t.example/p.gif" rel="${LINK_REL}">[image]</a></p>\n`);
    expect(markdown.render('![x](javascript:alert(1))')).not.toMatch(/<a|<img/);
  });

  it('renders nothing the export sanitiser would change (one set of rules, two sanitisers agree)', () => {
    for (const notes of HOSTILE_NOTES) {
      const html = markdown.render(notes);
      // markdown-it writes quotes in text as &quot;, sanitize-html as ": the same text.
      const quotes = (text: string): string => text.replaceAll('&quot;', '"');
      expect(quotes(sanitizeFragment(html)), notes).toBe(quotes(html));
      const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
      expect(tags.filter((tag: string) => /^<(img|script|iframe|style)\b|\son\w+=|javascript:|data:/i.test(tag)), notes).toEqual([]);
    }
  });
});
