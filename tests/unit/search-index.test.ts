/** The pure parts of search (issue #17): query parsing, phrases, snippets, ranking, paging, decisions. */
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { byScoreDesc } from '../../server/search/by-score.ts';
import { sessionDocuments, type SearchDoc } from '../../server/search/search-documents.ts';
import { SearchIndex } from '../../server/search/search-index.ts';
import { findPhrases, flatten, parseQuery, snippet } from '../../server/search/search-text.ts';
import type { Session } from '../../shared/domain.ts';

const all = { readable: () => true };
const source = { notes: 'n', state: 's', meta: 'm' };

function doc(id: string, fields: Partial<SearchDoc>): SearchDoc {
  return { id, sessionId: 's1', eventId: 'e1', kind: 'notes', title: '', people: '', text: '', persons: [], ...fields };
}

describe('search text', () => {
  it('parses words and quoted phrases', () => {
    expect(parseQuery('shiftfs "Time  namespace" CRIU "x"')).toEqual({ terms: ['shiftfs', 'time', 'namespace', 'criu', 'x'], phrases: [['time', 'namespace']] });
  });

  it('finds phrases only with adjacent words', () => {
    expect(findPhrases('the time namespace patchset', [['time', 'namespace']])).toEqual([{ start: 4, end: 18 }]);
    expect(findPhrases('time for a namespace', [['time', 'namespace']])).toBeNull();
  });

  it('escapes the text and marks only matched words', () => {
    expect(snippet('<b>shiftfs</b> & "idmap"', new Set(['shiftfs']))).toBe('&lt;b&gt;<mark>shiftfs</mark>&lt;/b&gt; &amp; &quot;idmap&quot;');
    const long = `${'word '.repeat(100)}needle ${'tail '.repeat(100)}`;
    const cut = snippet(long, new Set(['needle']), [], 60);
    expect(cut).toMatch(/^….*<mark>needle<\/mark>.*…$/);
    expect(cut.length).toBeLessThan(120);
    // Centred on the word as typed, not on an earlier typo or prefix match of it.
    const both = `needls ${'word '.repeat(100)}needle`;
    expect(snippet(both, new Set(['needls', 'needle']), [], 60, new Set(['needle']))).toMatch(/<mark>needle<\/mark>$/);
  });
});

describe('search index', () => {
  it('ranks a title match above a notes match, pages, and survives JSON', () => {
    const index = new SearchIndex();
    index.setSession('s1', [doc('a', { text: 'we talked about shiftfs and more things here' }), doc('b', { title: 'shiftfs' }), doc('c', { text: 'nothing' })], source);
    const { hits } = index.search('shiftfs', all);
    expect(hits.map((h) => h.doc.id)).toEqual(['b', 'a']);
    expect(index.search('shiftfs', all, { limit: 1 })).toMatchObject({ hits: [{ doc: { id: 'b' } }], more: true, tier: 0 });
    expect(index.search('shiftfs', all, { offset: 1, limit: 1, tier: 0 })).toMatchObject({ hits: [{ doc: { id: 'a' } }], more: false });
    const loaded = SearchIndex.fromJSON(index.toJSON())!;
    expect(loaded.search('shiftfs', all).hits.map((h) => h.doc.id)).toEqual(['b', 'a']);
    expect(loaded.source('s1')).toEqual(source);
    expect(SearchIndex.fromJSON('{"format": 99}')).toBeNull();
    expect(SearchIndex.fromJSON('not json')).toBeNull();
  });

  it('widens to prefixes, then typos, only when the exact words do not fill the page', () => {
    const index = new SearchIndex();
    index.setSession('s1', [doc('a', { text: 'shift' }), doc('b', { text: 'shiftfs' }), doc('c', { text: 'shiftgs' })], source);
    expect(index.search('shift', all, { limit: 1 })).toMatchObject({ hits: [{ doc: { id: 'a' } }], tier: 0 });
    expect(index.search('shift', all, { limit: 5 }).hits.map((h) => h.doc.id).sort()).toEqual(['a', 'b', 'c']);
    expect(index.search('shiftfs', all, { limit: 5 })).toMatchObject({ tier: 2 });
    expect(index.search('shiftfs', all, { limit: 5 }).hits.map((h) => h.doc.id)[0]).toBe('b');
    expect(index.search('shiftfs', all, { limit: 1 })).toMatchObject({ hits: [{ doc: { id: 'b' } }], tier: 0 });
  });

  it('replaces a session\'s documents and drops removed ones', () => {
    const index = new SearchIndex();
    index.setSession('s1', [doc('a', { text: 'alpha' })], source);
    index.setSession('s1', [doc('b', { text: 'beta' })], source);
    expect(index.search('alpha', all).hits).toEqual([]);
    expect(index.search('beta', all).hits).toHaveLength(1);
    index.removeSession('s1');
    expect(index.search('beta', all).hits).toEqual([]);
    expect(index.sessionCount).toBe(0);
  });

  it('indexes decisions from the export sections, with who recorded and who agreed them', () => {
    const session: Session = { id: 's1', eventId: 'e1', title: 'MC', description: '', leads: [{ name: 'Lee' }], topics: [{ id: 't1', title: 'Topic', speakers: ['Sp'], abstract: '' }], createdAt: '', updatedAt: '' };
    const decisions = [
      { id: 'd1', text: 'Adopt idmapped mounts', createdBy: 'Ada', createdAt: '', agreed: true, agreedBy: 'Lee', agreedAt: '' },
      { id: 'd2', text: 'Revisit next year', createdBy: 'Bo', createdAt: '', agreed: false },
    ];
    const docs = sessionDocuments(session, [{ id: 't1', title: 'Topic', notes: '', actions: [], decisions }]);
    expect(docs.filter((d) => d.kind === 'decision')).toEqual([
      expect.objectContaining({ itemId: 'd1', text: 'Adopt idmapped mounts', status: 'agreed', persons: ['ada', 'lee'] }),
      expect.objectContaining({ itemId: 'd2', text: 'Revisit next year', status: 'recorded', persons: ['bo'] }),
    ]);
  });

  it('expands a prefix to at most prefixMaxTerms index terms, the shortest first, and ranks the closest first', () => {
    const index = new SearchIndex({ prefixMaxTerms: 2 });
    index.setSession('s1', [doc('a', { text: 'kernels' }), doc('b', { text: 'kernelspace' }), doc('c', { text: 'kernel' }), doc('d', { text: 'kerberos' })], source);
    // "kern": kernel (6), kernels (7) are the two shortest; kernelspace is not expanded to.
    const found = index.search('kern', all, { limit: 10 });
    // Two hits do not fill a page of 10: it widened to typos too (none is one edit from "kern").
    expect(found.tier).toBe(2);
    expect(found.hits.map((h) => h.doc.id)).toEqual(['c', 'a']);
    expect(index.search('kern', all, { limit: 2 })).toMatchObject({ tier: 1, more: false });
    expect(found.hits[0]!.snippet).toBe('<mark>kernel</mark>');
    // The default cap finds all three completions.
    const wide = new SearchIndex();
    wide.setSession('s1', [doc('a', { text: 'kernels' }), doc('b', { text: 'kernelspace' }), doc('c', { text: 'kernel' })], source);
    expect(wide.search('kern', all, { limit: 10 }).hits.map((h) => h.doc.id)).toEqual(['c', 'a', 'b']);
  });

  it('applies every filter and every word before ranking, and never returns a replaced document', () => {
    const index = new SearchIndex();
    index.setSession('s1', [doc('a', { text: 'idmapped mounts in containers' }), doc('b', { text: 'idmapped only' }), doc('c', { text: 'mounts only' })], source);
    index.setSession('s2', [doc('d', { sessionId: 's2', text: 'idmapped mounts again', kind: 'action', status: 'open', persons: ['ada'] })], source);
    expect(index.search('idmapped mounts', all).hits.map((h) => h.doc.id).sort()).toEqual(['a', 'd']);
    expect(index.search('idmapped mounts', { readable: (s) => s === 's1' }).hits.map((h) => h.doc.id)).toEqual(['a']);
    expect(index.search('idmapped mounts', { ...all, kind: 'action', status: 'open', person: 'AD' }).hits.map((h) => h.doc.id)).toEqual(['d']);
    expect(index.search('idmapped mounts', { ...all, status: 'done' }).hits).toEqual([]);
    // A replaced document stays in MiniSearch's postings until vacuumed: it must not come back.
    index.setSession('s1', [doc('e', { text: 'mounts idmapped' })], source);
    expect(index.search('idmapped mounts', { readable: (s) => s === 's1' }).hits.map((h) => h.doc.id)).toEqual(['e']);
  });

  it('checks phrases across punctuation, line breaks and case, in the text or else the title', () => {
    const index = new SearchIndex();
    index.setSession('s1', [
      doc('a', { text: 'About the Time,\n  NAMESPACE work' }),
      doc('b', { text: 'time for a namespace' }),
      doc('c', { title: 'Time namespace', text: 'nothing here' }),
      doc('d', { text: 'runtime namespaces' }),
    ], source);
    const found = index.search('"time namespace"', all, { limit: 10 });
    expect(found.hits.map((h) => h.doc.id).sort()).toEqual(['a', 'c']);
    expect(found.hits.find((h) => h.doc.id === 'a')!.snippet).toBe('About the <mark>Time, NAMESPACE</mark> work');
    // A query of phrases only cannot widen (phrase words match exactly): it stays at tier 0.
    expect(found.tier).toBe(0);
    expect(flatten('A-b  C\nd')).toBe(' a b c d ');
  });

  it('yields scores best first, ties in their original order', () => {
    const scores = Float64Array.from([1, 5, 3, 5, 0, 2]);
    expect([...byScoreDesc(scores)]).toEqual([1, 3, 2, 5, 0, 4]);
    expect([...byScoreDesc(new Float64Array(0))]).toEqual([]);
    const many = Float64Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    expect([...byScoreDesc(many)].map((i) => many[i])).toEqual([...many].sort((a, b) => b - a));
  });

  it('finds the MiniSearch internals it relies on (executeQuery, the term index, stored fields, ids)', () => {
    const mini = new MiniSearch({ fields: ['text'], storeFields: ['text'] });
    mini.add({ id: 'x', text: 'hello' });
    const internals = mini as unknown as { executeQuery: unknown; _storedFields: Map<number, unknown>; _documentIds: Map<number, unknown>; _index: { atPrefix(p: string): { keys(): Iterable<string> }; get(t: string): unknown } };
    expect(typeof internals.executeQuery).toBe('function');
    expect([...internals._index.atPrefix('hel').keys()]).toEqual(['hello']);
    expect(internals._index.get('hello')).toBeInstanceOf(Map);
    expect([...internals._documentIds.values()]).toEqual(['x']);
    expect([...internals._storedFields.values()]).toEqual([{ text: 'hello' }]);
  });
});

describe('vacuuming while sessions are reindexed', () => {
  it('cleans discarded documents out in one synchronous pass, never across event-loop turns, with results unchanged', async () => {
    const index = new SearchIndex();
    const texts = (s: number, round: number) => Array.from({ length: 20 }, (_, d) => doc(`s${s}-${d}`, { sessionId: `s${s}`, text: `word${round}x${d} shared${s} a${s}x${d}r${round} b${s}x${d}r${round} c${s}x${d}r${round}` }));
    for (let s = 0; s < 30; s++) index.setSession(`s${s}`, texts(s, 0), source);
    for (let round = 1; round <= 10; round++) {
      for (let s = 0; s < 30; s++) {
        index.setSession(`s${s}`, texts(s, round), source);
        // Microtasks only (a queued pass runs there); MiniSearch's batched vacuum would still be
        // waiting for its next batch, with the tree half walked while reindexes add terms.
        await new Promise((resolve) => setImmediate(resolve));
        // After any reindex the discarded documents are either below the threshold or already gone:
        // nothing is left for a vacuum running later, in another turn.
        const dirt = index.dirt;
        expect(dirt.count < 20 || dirt.factor < 0.1, JSON.stringify(dirt)).toBe(true);
      }
    }
    expect(index.documentCount).toBe(30 * 20);
    expect(index.search('a5x3r10', all).hits[0]?.doc.id).toBe('s5-3');
  });
});
