import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.ts';

const DOCS_DIR = path.join(PROJECT_ROOT, 'docs');
const pages = ['README.md', ...readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown without fenced code blocks and inline code, where `](` is not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('documentation links', () => {
  it.each(pages)('every relative link and #anchor in %s points to an existing file and heading', (page) => {
    const text = readFileSync(path.join(PROJECT_ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const link of relativeLinks(text)) {
      const [file = '', anchor] = link.split('#');
      const target = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      const absolute = path.join(PROJECT_ROOT, target);
      if (!existsSync(absolute)) {
        broken.push(`${link} (no file ${target})`);
        continue;
      }
      if (anchor !== undefined && target.endsWith('.md') && !anchors(readFileSync(absolute, 'utf8')).has(anchor)) {
        broken.push(`${link} (no heading #${anchor} in ${target})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('README.md is the front door: under 250 lines, linking every docs/ page', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(250);
    const linked = new Set(relativeLinks(readme).map((link) => link.split('#')[0]));
    for (const page of pages.filter((p) => p !== 'README.md')) expect(linked, page).toContain(page);
  });

  it.each(pages.filter((p) => p !== 'README.md'))('%s links back to the README', (page) => {
    expect(relativeLinks(readFileSync(path.join(PROJECT_ROOT, page), 'utf8'))).toContain('../README.md');
  });

  it('computes anchors as GitHub does', () => {
    expect([...anchors('# Several instances (cluster mode)\n## Targets (issue #7) on this run\n## A\n## A\n')]).toEqual([
      'several-instances-cluster-mode',
      'targets-issue-7-on-this-run',
      'a',
      'a-1',
    ]);
  });
});
