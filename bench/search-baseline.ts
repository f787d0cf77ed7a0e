/**
 * BENCH BASELINE (npm run bench:search with BENCH_SEARCH_BASELINE=1): server/search/search-index.ts as of
 * commit 80e1f8d, before the latency work, so that before and after are measured in the same run,
 * queries interleaved. Not used by the server.
 *
 * The in-memory search index (issue #17): MiniSearch over every session's documents
 * (search-documents.ts), with prefix and fuzzy matching, field boosts (title > people > text),
 * phrase queries checked on the stored text after MiniSearch found the candidates, filters and
 * highlighted snippets. Serialises to JSON with the fingerprints of the docs it was built from.
 */
import MiniSearch, { type AsPlainObject, type SearchResult } from 'minisearch';
import type { SearchDoc, SearchKind } from '../server/search/search-documents.ts';
import { findPhrases, parseQuery, phraseRegExp, snippet, tokenize } from '../server/search/search-text.ts';

/** What a session's documents were built from: notes doc, state doc and metadata digests. */
export interface SessionSource {
  notes: string;
  state: string;
  meta: string;
}

export interface SearchFilters {
  eventId?: string;
  sessionId?: string;
  /** Case-insensitive, part of a name. */
  person?: string;
  kind?: SearchKind;
  status?: string;
  /** Sessions the caller may read. */
  readable: (sessionId: string) => boolean;
}

export interface IndexHit {
  doc: Omit<SearchDoc, 'persons' | 'people' | 'title' | 'text'>;
  snippet: string;
  score: number;
}

/** How widely words match: 0 exactly, 1 also as prefixes (from 3 letters), 2 also with typos
 *  (from 4 letters, up to 2 edits: 0.2 of the length). */
export type MatchTier = 0 | 1 | 2;

/** Field boosts: a title match ranks above a speaker or lead, which ranks above the notes. */
export const FIELD_BOOST = { title: 4, people: 2, text: 1 } as const;

const INDEX_OPTIONS = {
  fields: ['title', 'people', 'text'],
  storeFields: ['sessionId', 'eventId', 'kind', 'topicId', 'topicTitle', 'itemId', 'title', 'people', 'text', 'status', 'persons'],
  tokenize,
  processTerm: (term: string) => term.toLowerCase(),
  searchOptions: {
    boost: FIELD_BOOST,
    combineWith: 'AND' as const,
    maxFuzzy: 2,
  },
};

const FORMAT = 1;

export class SearchIndex {
  #index: MiniSearch<SearchDoc>;
  #ids = new Map<string, string[]>();
  #sources = new Map<string, SessionSource>();

  constructor() {
    this.#index = new MiniSearch<SearchDoc>(INDEX_OPTIONS);
  }

  /** The fingerprints a session was last indexed from. */
  source(sessionId: string): SessionSource | undefined {
    return this.#sources.get(sessionId);
  }

  get sessionCount(): number {
    return this.#sources.size;
  }

  get documentCount(): number {
    return this.#index.documentCount;
  }

  /** Replaces every document of a session. */
  setSession(sessionId: string, docs: readonly SearchDoc[], source: SessionSource): void {
    this.removeSession(sessionId);
    this.#index.addAll(docs);
    this.#ids.set(sessionId, docs.map((d) => d.id));
    this.#sources.set(sessionId, source);
  }

  removeSession(sessionId: string): void {
    const ids = this.#ids.get(sessionId);
    if (ids) this.#index.discardAll(ids);
    this.#ids.delete(sessionId);
    this.#sources.delete(sessionId);
  }

  sessionIds(): string[] {
    return [...this.#sources.keys()];
  }

  /**
   * One page of hits, best first: `offset` hits are skipped, at most `limit` returned, `more` tells
   * whether another page exists. Matching widens in tiers, each only when the one before cannot
   * fill the first page: 0 exact words, 1 also prefixes, 2 also typos (the tier is kept for later
   * pages: pass the returned `tier`). Phrases are checked on candidates in score order only until
   * the page is full, and only the page's snippets are cut, so a common word costs its index
   * lookup, not a snippet per matching document.
   */
  search(q: string, filters: SearchFilters, page: { offset?: number; limit?: number; tier?: MatchTier } = {}): { hits: IndexHit[]; more: boolean; tier: MatchTier } {
    const { offset = 0, limit = Number.POSITIVE_INFINITY } = page;
    const { terms, phrases } = parseQuery(q);
    if (terms.length === 0) return { hits: [], more: false, tier: page.tier ?? 0 };
    if (page.tier !== undefined) return { ...this.#searchTier(terms, phrases, filters, page.tier, offset, limit), tier: page.tier };
    let tier: MatchTier = 0;
    for (;;) {
      const found = this.#searchTier(terms, phrases, filters, tier, offset, limit);
      if (found.hits.length >= limit || found.more || tier === 2) return { ...found, tier };
      tier = (tier + 1) as MatchTier;
    }
  }

  #searchTier(terms: string[], phrases: string[][], filters: SearchFilters, tier: MatchTier, offset: number, limit: number): { hits: IndexHit[]; more: boolean } {
    const person = filters.person?.trim().toLowerCase();
    // A phrase's words are matched exactly (no prefix, no typo): fewer candidates to check.
    const exact = new Set(phrases.flat());
    const patterns = phrases.map(phraseRegExp);
    const queryTerms = new Set(terms);
    const results = this.#index.search(terms.join(' '), {
      prefix: (term) => tier >= 1 && !exact.has(term) && term.length >= 3,
      fuzzy: (term) => (tier >= 2 && !exact.has(term) && term.length >= 4 ? 0.2 : false),
      filter: (r) =>
        (!filters.eventId || r.eventId === filters.eventId) &&
        (!filters.sessionId || r.sessionId === filters.sessionId) &&
        (!filters.kind || r.kind === filters.kind) &&
        (!filters.status || r.status === filters.status) &&
        (!person || (r.persons as string[]).some((p) => p.includes(person))) &&
        filters.readable(r.sessionId as string),
    });
    const hits: IndexHit[] = [];
    let seen = 0;
    for (const result of results) {
      const spans = this.#phraseSpans(result, patterns);
      if (!spans) continue;
      if (seen++ < offset) continue;
      if (hits.length === limit) return { hits, more: true };
      hits.push(this.#hit(result, spans, queryTerms));
    }
    return { hits, more: false };
  }

  /** Where the query's phrases occur in the text (else the title) of a candidate; null: nowhere. */
  #phraseSpans(result: SearchResult, phrases: RegExp[]): { field: 'text' | 'title'; spans: Array<{ start: number; end: number }> } | null {
    if (phrases.length === 0) return { field: 'text', spans: [] };
    const inText = findPhrases(String(result.text ?? ''), phrases);
    if (inText) return { field: 'text', spans: inText };
    const inTitle = findPhrases(String(result.title ?? ''), phrases);
    return inTitle ? { field: 'title', spans: inTitle } : null;
  }

  #hit(result: SearchResult, found: { field: 'text' | 'title'; spans: Array<{ start: number; end: number }> }, queryTerms: ReadonlySet<string>): IndexHit {
    const title = String(result.title ?? '');
    const text = String(result.text ?? '');
    const matched = new Set(result.terms);
    const textMatches = found.field === 'text' && (found.spans.length > 0 || tokenize(text).some((w) => matched.has(w)));
    const shown = textMatches ? snippet(text, matched, found.spans, 160, queryTerms) : snippet(title || text, matched, found.field === 'title' ? found.spans : [], 160, queryTerms);
    const { sessionId, eventId, kind, topicId, topicTitle, itemId, status } = result as unknown as SearchDoc;
    return {
      doc: { id: String(result.id), sessionId, eventId, kind, ...(topicId ? { topicId } : {}), ...(topicTitle ? { topicTitle } : {}), ...(itemId ? { itemId } : {}), ...(status ? { status } : {}) },
      snippet: shown,
      score: Math.round(result.score * 1000) / 1000,
    };
  }

  toJSON(): string {
    return JSON.stringify({ format: FORMAT, sources: Object.fromEntries(this.#sources), ids: Object.fromEntries(this.#ids), index: this.#index.toJSON() });
  }

  /** An index read back from `toJSON`; null when the text is not one (a fresh build follows). */
  static fromJSON(json: string): SearchIndex | null {
    try {
      const data = JSON.parse(json) as { format?: unknown; sources?: Record<string, SessionSource>; ids?: Record<string, string[]>; index?: unknown };
      if (data.format !== FORMAT || typeof data.sources !== 'object' || typeof data.ids !== 'object' || typeof data.index !== 'object') return null;
      const loaded = new SearchIndex();
      loaded.#index = MiniSearch.loadJS<SearchDoc>(data.index as AsPlainObject, INDEX_OPTIONS);
      loaded.#sources = new Map(Object.entries(data.sources!));
      loaded.#ids = new Map(Object.entries(data.ids!));
      return loaded;
    } catch {
      return null;
    }
  }
}
