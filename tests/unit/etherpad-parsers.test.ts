import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../server/import/import-error.ts';
import { lineText, parseEtherpadPad, type PadFormat, type ParsedPad } from '../../server/import/etherpad/index.ts';
import { ETHERPAD_PALETTE_SIZE, etherpadColour } from '../../server/import/etherpad/palette.ts';

const PADS = ['lpc2019-containers-cr', 'html-lists', 'empty-pad'] as const;

function fixture(pad: string, format: PadFormat): string {
  return readFileSync(new URL(`../fixtures/etherpad/${pad}.${format}`, import.meta.url), 'utf8');
}
function parse(pad: string, format: PadFormat): ParsedPad {
  return parseEtherpadPad(format, fixture(pad, format));
}
/** The text without Markdown emphasis (the .txt export has none). */
function plain(parsed: ParsedPad): string[] {
  return parsed.lines.map((line) => lineText(line).replace(/\*\*|~~|_/g, ''));
}

describe('Etherpad pad parsers', () => {
  for (const pad of PADS) {
    for (const format of ['etherpad', 'html'] as const) {
      it(`${pad}.${format} has the same lines as ${pad}.txt`, () => {
        const txt = plain(parse(pad, 'txt'));
        expect(txt.length).toBeGreaterThan(0);
        expect(plain(parse(pad, format))).toEqual(txt);
      });
    }
  }

  it('keeps the authors of every character run, their names and colours, and the last edit time', () => {
    const parsed = parse('lpc2019-containers-cr', 'etherpad');
    expect([...parsed.authors.values()].map((a) => a.name)).toEqual(['Christian', 'Ada Lovelace', 'Linus']);
    expect(parsed.authors.get('a.vQtY0nQm66pA5mVS')).toEqual({ name: 'Linus', color: '#ffc7c7' });
    expect(parsed.lastEdited).toBe(1796186996121);
    const byLine = new Map(parsed.lines.map((line) => [lineText(line), line.runs]));
    expect(byLine.get('**Android containers**')).toEqual([{ text: '**Android containers**', author: 'a.CJELCkv55bve9TR3' }]);
    expect(byLine.get('ACTION: Linus to review the VFS id-mapping RFC once it is posted')?.[0]?.author).toBe('a.vQtY0nQm66pA5mVS');
    // A mid-line insert by Linus inside Ada's line stays his.
    const mixed = parsed.lines.find((line) => lineText(line).includes('(idmapped mounts)'))!;
    expect(mixed.runs.map((r) => r.author)).toEqual(['a.CJELCkv55bve9TR3', 'a.vQtY0nQm66pA5mVS', 'a.CJELCkv55bve9TR3']);
    expect(mixed.runs[1]!.text).toBe(' (idmapped mounts)');
    expect(plain(parsed).some((l) => l.length >= 1000)).toBe(true);
  });

  it('maps numeric colorIds through Etherpad\'s 64-colour palette, as Etherpad resolves them (no wrapping)', () => {
    const parsed = parse('lpc2019-containers-cr', 'etherpad');
    // The fixture's authors: colorId 5 (Ada), 63 (Christian, the palette's last entry), "#ffc7c7" (Linus).
    expect(parsed.authors.get('a.CJELCkv55bve9TR3')).toEqual({ name: 'Ada Lovelace', color: '#c7d5ff' });
    expect(parsed.authors.get('a.Q2Y8869IRPBehzQC')).toEqual({ name: 'Christian', color: '#b3b3e6' });
    expect(ETHERPAD_PALETTE_SIZE).toBe(64);
    expect(etherpadColour(0)).toBe('#ffc7c7');
    expect(etherpadColour(17)).toBe('#e9dcaf'); // upper-case in Etherpad's source, lower-cased here
    expect(etherpadColour('12')).toBe('#a3ffff');
    expect(etherpadColour('#ABCDEF')).toBe('#abcdef');
    for (const none of [64, 78, -1, 1.5, '#abc', 'red', null, undefined, {}]) expect(etherpadColour(none), String(none)).toBeUndefined();
    const outOfRange = JSON.parse(fixture('html-lists', 'etherpad')) as Record<string, Record<string, unknown>>;
    outOfRange['globalAuthor:a.CJELCkv55bve9TR3']!['colorId'] = 64;
    expect(parseEtherpadPad('etherpad', JSON.stringify(outOfRange)).authors.get('a.CJELCkv55bve9TR3')).toEqual({ name: 'Ada Lovelace' });
  });

  it('turns Etherpad lists and formatting into Markdown in all three formats', () => {
    const expected = [
      '- Android containers',
      '  - binderfs **merged** in 5.0',
      '    - third level item',
      '2. Second ordered item',
      '  2. Nested **_bold italic_** b',
      '3. Third ordered item',
      'underlined and ~~struck~~ text',
    ];
    for (const format of ['etherpad', 'html'] as const) {
      const lines = parse('html-lists', format).lines.map(lineText);
      for (const line of expected) expect(lines, format).toContain(line);
      expect(lines[0]).toBe('**Agenda** for the _containers_ microconference');
    }
    expect(parse('html-lists', 'txt').lines.map(lineText)).toContain('  2. Nested bold italic b');
  });

  it('reads the empty pad (default text, no authors)', () => {
    const parsed = parse('empty-pad', 'etherpad');
    expect(lineText(parsed.lines[0]!)).toBe('Welcome to Etherpad!');
    expect(parsed.authors.size).toBe(0);
    expect(parsed.lines.flatMap((l) => l.runs).every((r) => r.author === null)).toBe(true);
  });

  it('names the JSON path of bad or foreign JSON', () => {
    const cases: Array<[string, RegExp]> = [
      ['{not json', /invalid JSON/],
      ['[1,2]', /\(root\) must be a JSON object/],
      ['{"sessions": []}', /has no "pad:<id>" record/],
      ['{"pad:x": {"atext": {"text": 3, "attribs": ""}, "pool": {"numToAttrib": {}}}}', /\["pad:x"\]\.atext\.text must be a string/],
      ['{"pad:x": {"atext": {"text": "a\\n", "attribs": "*5+2"}, "pool": {"numToAttrib": {}}}}', /attribute \*5 that is not in the pool/],
      ['{"pad:x": {"atext": {"text": "a\\n", "attribs": "+9"}, "pool": {"numToAttrib": {}}}}', /covers more characters/],
    ];
    for (const [body, message] of cases) {
      expect(() => parseEtherpadPad('etherpad', body)).toThrow(ImportError);
      expect(() => parseEtherpadPad('etherpad', body)).toThrow(message);
    }
  });

  it('parses a large pad in linear time', () => {
    const line = 'x'.repeat(60) + '\n';
    const text = line.repeat(50_000);
    const body = JSON.stringify({ 'pad:big': { atext: { text, attribs: `*0|${(50_000).toString(36)}+${text.length.toString(36)}` }, pool: { numToAttrib: { 0: ['author', 'a.x'] } }, head: 0 } });
    const started = performance.now();
    const parsed = parseEtherpadPad('etherpad', body);
    expect(parsed.lines).toHaveLength(50_000);
    expect(performance.now() - started).toBeLessThan(2000);
    const html = '<body>' + '<b>x</b> &amp; y<br>'.repeat(50_000) + '</body>';
    expect(parseEtherpadPad('html', html).lines).toHaveLength(50_000);
  });
});
