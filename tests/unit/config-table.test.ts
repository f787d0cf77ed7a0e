import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV_NAMES, ENV_SPEC } from '../../server/config.ts';
import { README_PATH, renderConfigTable, TABLE_END, TABLE_START, withConfigTable } from '../../scripts/config-table.ts';

const readme = readFileSync(README_PATH, 'utf8');

/** The variable names in the README's table, in order. */
function tableVariables(text: string): string[] {
  const table = text.slice(text.indexOf(TABLE_START), text.indexOf(TABLE_END));
  return [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
}

describe('README configuration table (generated from server/config.ts)', () => {
  it('is what `npm run docs:config` writes', () => {
    const current = withConfigTable(readme) === readme;
    expect(current, "README.md's configuration table is out of date: run `npm run docs:config`").toBe(true);
  });

  it('lists every variable of ENV_SPEC once, and nothing else', () => {
    expect(tableVariables(readme)).toEqual(CONFIG_ENV_NAMES);
    expect(new Set(tableVariables(readme)).size).toBe(CONFIG_ENV_NAMES.length);
  });

  it('gives every variable a description that fits one table cell', () => {
    for (const name of CONFIG_ENV_NAMES) {
      const doc: string = ENV_SPEC[name].doc;
      expect(doc.trim(), name).not.toBe('');
      expect(doc, name).not.toMatch(/[|\n]/);
    }
  });

  it('shows defaults as an operator reads them', () => {
    const row = (name: string) => renderConfigTable().split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row('PORT')).toContain('| `8080` |');
    expect(row('DATA_DIR')).toContain('| `data/runtime` |');
    expect(row('ADMIN_TOKEN')).toContain('| generated |');
    expect(row('REDIS_URL')).toContain('| unset |');
    expect(row('ALLOWED_ORIGINS')).toContain('| empty |');
    expect(row('WS_COMPRESSION')).toContain('| `on` |');
    expect(row('MAX_MESSAGE_BYTES')).toContain('| `33554432` (32 MiB) |');
    expect(row('MAX_BUFFERED_BYTES_PER_IP')).toContain('| `4294967296` (4 GiB) |');
    expect(row('MAX_AWARENESS_STATE_BYTES')).toContain('| `16384` |');
  });

  it('replaces only what lies between the markers, and refuses a README without them', () => {
    const text = `intro\n${TABLE_START}\nstale\n${TABLE_END}\noutro\n`;
    const written = withConfigTable(text);
    expect(written.startsWith(`intro\n${TABLE_START}\n| Variable |`)).toBe(true);
    expect(written.endsWith(`|\n${TABLE_END}\noutro\n`)).toBe(true);
    expect(withConfigTable(written)).toBe(written);
    expect(() => withConfigTable('no markers here')).toThrow(/markers/);
  });
});
