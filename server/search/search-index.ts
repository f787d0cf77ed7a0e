// About 370 lines: query planning reads the MiniSearch internals this class owns; split, it would have to export them.
/**
 * The in-memory search index (issue #17): MiniSearch over every session's documents
 * (search-documents.ts), with prefix and fuzzy matching, field boosts (title > people > text),
 * phrase queries checked on the stored text after MiniSearch found the candidates, filters and
 * highlighted snippets. Serialises to JSON with the stored versions of the docs it was built from.
 */
import MiniSearch, { type AsPlainObject, type Query } from 'minisearch';
import type { SearchDoc, SearchKind } from './search-documents.ts';
import { byScoreDesc } from './by-score.ts';
import { findPhrases, flatten, parseQuery, phraseRegExp, snippet, tokenize } from './search-text.ts';

/** What a session's documents were built from: the stored versions of its notes doc and state doc
 *  (DocStore.version; null: nothing stored) and a digest of its metadata. */
export interface SessionSource {
  notes: string | null;
  state: string | null;
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
  // Vacuumed by removeSession, in one synchronous pass (see #vacuum).
  autoVacuum: false,
  searchOptions: {
    boost: FIELD_BOOST,
    combineWith: 'AND' as const,
    maxFuzzy: 2,
  },
};

const VACUUM_MIN_DIRT = 20;
const VACUUM_MIN_FACTOR = 0.1;

const FORMAT = 1;

/** Default most index terms a prefix expands to (`SEARCH_PREFIX_MAX_TERMS`). */
export const PREFIX_MAX_TERMS = 50;
/** MiniSearch's own weight of a prefix match (`weights.prefix`), applied as it does. */
const PREFIX_WEIGHT = 0.375;

/**
 * The parts of MiniSearch 7.2.0 (pinned) used below its public `search()`: `search()` builds a
 * result object (stored fields copied in) for every matching document and sorts them all, which
 * for a word found in every document is 4× the cost of the scoring itself. `executeQuery` returns
 * the scored documents (our filters run inside the scoring, as its `boostDocument`) and we take
 * only the page, best first. `_index.atPrefix` lists the index terms under a prefix, so a prefix
 * expands to a bounded set; `_index.get` gives a term's postings (to intersect words unscored).
 * tests/unit/search-index.test.ts checks these are still there; package.json pins the version.
 */
interface RawMatch {
  score: number;
  terms: string[];
  match: Record<string, string[]>;
}
interface MiniSearchInternals {
  executeQuery(query: Query, options: Record<string, unknown>): Map<number, RawMatch>;
  _storedFields: Map<number, Record<string, unknown>>;
  _documentIds: Map<number, unknown>;
  _index: { atPrefix(prefix: string): { keys(): Iterable<string> }; get(term: string): Map<number, Map<number, number>> | undefined };
}

/** A query as MiniSearch runs it: one query per word (ANDed), and the words matched only as themselves. */
interface Planned {
  perWord: Query[];
  options: Record<string, unknown>;
  plain: string[];
}

interface Candidate {
  shortId: number;
  stored: Record<string, unknown>;
  match: Record<string, string[]>;
  score: number;
}

export class SearchIndex {
  #index: MiniSearch<SearchDoc>;
  #ids = new Map<string, string[]>();
  #sources = new Map<string, SessionSource>();
  #prefixMaxTerms: number;
  /** Document id → its text flattened (`flatten`), for the phrase check; built on indexing or first use. */
  #flat = new Map<string, string>();

  /** `prefixMaxTerms`: most index terms one prefix expands to (the shortest first). */
  constructor(options: { prefixMaxTerms?: number } = {}) {
    this.#index = new MiniSearch<SearchDoc>(INDEX_OPTIONS);
    this.#prefixMaxTerms = options.prefixMaxTerms ?? PREFIX_MAX_TERMS;
  }

  get #internals(): MiniSearchInternals {
    return this.#index as unknown as MiniSearchInternals;
  }

  /** The versions a session was last indexed from. */
  source(sessionId: string): SessionSource | undefined {
    return this.#sources.get(sessionId);
  }

  /** Relabels an indexed session's documents (the same content, stored under a new version). */
  setSource(sessionId: string, source: SessionSource): void {
    if (this.#sources.has(sessionId)) this.#sources.set(sessionId, source);
  }

  get sessionCount(): number {
    return this.#sources.size;
  }

  /** Discarded documents still in the postings, and whether a cleanup is under way. */
  get dirt(): { count: number; factor: number; vacuuming: boolean } {
    return { count: this.#index.dirtCount, factor: this.#index.dirtFactor, vacuuming: this.#index.isVacuuming };
  }

  get documentCount(): number {
    return this.#index.documentCount;
  }

  /** Replaces every document of a session. */
  setSession(sessionId: string, docs: readonly SearchDoc[], source: SessionSource): void {
    this.removeSession(sessionId);
    this.#index.addAll(docs);
    for (const doc of docs) this.#flat.set(doc.id, flatten(doc.text));
    this.#ids.set(sessionId, docs.map((d) => d.id));
    this.#sources.set(sessionId, source);
  }

  removeSession(sessionId: string): void {
    const ids = this.#ids.get(sessionId);
    if (ids) this.#index.discardAll(ids);
    for (const id of ids ?? []) this.#flat.delete(id);
    this.#ids.delete(sessionId);
    this.#sources.delete(sessionId);
    this.#vacuum();
  }

  /**
   * Drops discarded documents from the postings once they are a tenth of the index (MiniSearch's
   * own default condition), in ONE synchronous pass: MiniSearch's batched vacuum pauses in the
   * middle of walking its term tree, and a reindex adding terms meanwhile can break that walk (an
   * unhandled rejection seen in CI under the protocol fuzz). The pass is bounded by the index size
   * and runs once per tenth of the index reindexed.
   */
  #vacuum(): void {
    if (this.#index.dirtCount < VACUUM_MIN_DIRT || this.#index.dirtFactor < VACUUM_MIN_FACTOR) return;
    this.#index.vacuum({ batchSize: Number.MAX_SAFE_INTEGER }).catch(() => undefined);
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
    // A wider tier only when some word can widen: phrase words match exactly, a prefix needs 3
    // letters and a typo 4, so a tier that would run the same query again is skipped.
    const exact = new Set(phrases.flat());
    const widest: MatchTier = terms.some((t) => !exact.has(t) && t.length >= 4) ? 2 : terms.some((t) => !exact.has(t) && t.length >= 3) ? 1 : 0;
    let tier: MatchTier = 0;
    for (;;) {
      const found = this.#searchTier(terms, phrases, filters, tier, offset, limit);
      if (found.hits.length >= limit || found.more || tier >= widest) return { ...found, tier };
      tier = (tier + 1) as MatchTier;
    }
  }

  #searchTier(terms: string[], phrases: string[][], filters: SearchFilters, tier: MatchTier, offset: number, limit: number): { hits: IndexHit[]; more: boolean } {
    // A phrase's words are matched exactly (no prefix, no typo): fewer candidates to check.
    const exact = new Set(phrases.flat());
    const patterns = phrases.map(phraseRegExp);
    const flatPhrases = phrases.map((phrase) => ` ${phrase.join(' ')} `);
    const phraseWords = [...exact];
    const queryTerms = new Set(terms);
    const candidates = this.#candidates(this.#query(terms, exact, tier), flatPhrases, filters, queryTerms);
    const scores = Float64Array.from(candidates, (c) => c.score);
    const hits: IndexHit[] = [];
    let seen = 0;
    for (const at of byScoreDesc(scores)) {
      const candidate = candidates[at]!;
      const spans = this.#phraseSpans(candidate, patterns, flatPhrases, phraseWords);
      if (!spans) continue;
      if (seen++ < offset) continue;
      if (hits.length === limit) return { hits, more: true };
      hits.push(this.#hit(candidate, spans, queryTerms));
    }
    return { hits, more: false };
  }

  /**
   * Every query word must match (AND). Tier 1 lets a word of 3+ letters match longer index terms
   * that start with it, tier 2 also words up to 2 edits away (from 4 letters). A prefix expands to
   * at most `prefixMaxTerms` terms, the shortest first (the closest to what was typed, which
   * MiniSearch's prefix weight ranks highest anyway): a 3-letter prefix of a large index otherwise
   * expands to hundreds of terms and costs their postings.
   */
  #query(terms: string[], exact: ReadonlySet<string>, tier: MatchTier): Planned {
    const weights = new Map<string, number>();
    const words = new Set(terms);
    const perWord = [...words].map((word): Query => {
      if (tier < 1 || exact.has(word) || word.length < 3) return word;
      const expansions: string[] = [];
      for (const term of this.#internals._index.atPrefix(word).keys()) if (term !== word) expansions.push(term);
      if (expansions.length === 0) return word;
      expansions.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
      for (const term of expansions.slice(0, this.#prefixMaxTerms)) {
        // MiniSearch's own prefix weight: it approaches 0 as the completion gets longer.
        const weight = (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (term.length - word.length));
        weights.set(term, Math.max(weights.get(term) ?? 0, weight));
      }
      return { combineWith: 'OR', queries: [word, ...expansions.slice(0, this.#prefixMaxTerms)] };
    });
    const typos = (term: string): boolean => tier >= 2 && words.has(term) && !exact.has(term) && term.length >= 4;
    const options = {
      prefix: false,
      fuzzy: (term: string) => (typos(term) ? 0.2 : false),
      boostTerm: (term: string) => (words.has(term) ? 1 : (weights.get(term) ?? 1)),
    };
    return { perWord, options, plain: perWord.filter((q): q is string => typeof q === 'string' && !typos(q)) };
  }

  /**
   * The ids of the documents that can match every word: the intersection of the posting lists of
   * the words matched only as themselves (read straight from the index, not scored), rarest first,
   * then kept only if they hold the query's phrases (their flattened text, else title);
   * without such a word, the documents of the word with the fewest postings, as MiniSearch finds them.
   */
  #allowed(perWord: Query[], plain: string[], flatPhrases: readonly string[], options: Record<string, unknown>, passes: (id: unknown, term: string, r: Record<string, unknown> | undefined) => number): Set<unknown> {
    const internals = this.#internals;
    if (plain.length === 0) {
      const first = perWord.reduce((best, q) => (this.#postings(q) < this.#postings(best) ? q : best));
      const ids = new Set<unknown>();
      for (const shortId of internals.executeQuery(first, { ...options, boostDocument: passes }).keys()) ids.add(internals._documentIds.get(shortId));
      return ids;
    }
    const [rarest, ...others] = [...plain].sort((a, b) => this.#postings(a) - this.#postings(b));
    let ids = new Map<unknown, number>();
    for (const docs of internals._index.get(rarest!)?.values() ?? []) {
      for (const shortId of docs.keys()) {
        const id = internals._documentIds.get(shortId);
        // A discarded document stays in the postings until MiniSearch vacuums them.
        if (id !== undefined && passes(id, rarest!, internals._storedFields.get(shortId))) ids.set(id, shortId);
      }
    }
    for (const word of others) {
      const both = new Map<unknown, number>();
      for (const docs of internals._index.get(word)?.values() ?? []) for (const shortId of docs.keys()) {
        const id = internals._documentIds.get(shortId);
        if (ids.has(id)) both.set(id, shortId);
      }
      ids = both;
    }
    // Phrases: only documents holding them (in the text, or all of them in the title) are scored.
    if (flatPhrases.length > 0) {
      for (const [id, shortId] of ids) {
        const stored = internals._storedFields.get(shortId)!;
        const title = flatPhrases.some((phrase) => !this.#flatText(String(id), stored).includes(phrase)) ? flatten(String(stored.title ?? '')) : null;
        if (title !== null && !flatPhrases.every((phrase) => title.includes(phrase))) ids.delete(id);
      }
    }
    return new Set(ids.keys());
  }

  /** A document's text flattened (`flatten`): kept from indexing, or made on first use after a load. */
  #flatText(id: string, stored: Record<string, unknown>): string {
    let flat = this.#flat.get(id);
    if (flat === undefined) this.#flat.set(id, (flat = flatten(String(stored.text ?? ''))));
    return flat;
  }

  /** How many postings a word's query reads (its typo matches not counted): which word to run first. */
  #postings(query: Query): number {
    if (typeof query === 'symbol') return Number.POSITIVE_INFINITY;
    if (typeof query !== 'string') return query.queries.reduce((sum: number, q: Query) => sum + this.#postings(q), 0);
    let count = 0;
    for (const docs of this.#internals._index.get(query)?.values() ?? []) count += docs.size;
    return count;
  }

  /**
   * The scored documents that pass the filters, unsorted. The filters run inside MiniSearch's
   * scoring (`boostDocument` 0 skips a posting), so a filtered-out document is never scored; with
   * several words, the word with the fewest postings runs first and the others score only its
   * documents (every word must match anyway).
   */
  #candidates({ perWord, options, plain }: Planned, flatPhrases: readonly string[], filters: SearchFilters, queryTerms: ReadonlySet<string>): Candidate[] {
    const person = filters.person?.trim().toLowerCase();
    const internals = this.#internals;
    const passes = (_id: unknown, _term: string, r: Record<string, unknown> | undefined): number =>
      r !== undefined &&
      (!filters.eventId || r.eventId === filters.eventId) &&
      (!filters.sessionId || r.sessionId === filters.sessionId) &&
      (!filters.kind || r.kind === filters.kind) &&
      (!filters.status || r.status === filters.status) &&
      (!person || (r.persons as string[]).some((p) => p.includes(person))) &&
      filters.readable(r.sessionId as string)
        ? 1
        : 0;
    let boostDocument = passes;
    if (perWord.length > 1) {
      const ids = this.#allowed(perWord, plain, flatPhrases, options, passes);
      boostDocument = (id: unknown) => (ids.has(id) ? 1 : 0);
    }
    const query: Query = perWord.length === 1 ? perWord[0]! : { combineWith: 'AND', queries: perWord };
    const raw = internals.executeQuery(query, { ...options, boostDocument });
    // MiniSearch multiplies a score by the number of query words matched; with AND that is all of them.
    const quality = queryTerms.size;
    const candidates: Candidate[] = [];
    for (const [shortId, { score, match }] of raw) {
      const stored = internals._storedFields.get(shortId);
      if (stored) candidates.push({ shortId, stored, match, score: score * quality });
    }
    return candidates;
  }

  /** Where the query's phrases occur in the text (else the title) of a candidate; null: nowhere.
   *  The text is first checked on its flattened form (a substring search, several times cheaper
   *  than the phrase's regular expression); only a text that holds every phrase is searched for spans. */
  #phraseSpans({ shortId, stored, match }: Candidate, phrases: RegExp[], flatPhrases: string[], phraseWords: readonly string[]): { field: 'text' | 'title'; spans: Array<{ start: number; end: number }> } | null {
    if (phrases.length === 0) return { field: 'text', spans: [] };
    const text = String(stored.text ?? '');
    const flat = this.#flatText(String(this.#internals._documentIds.get(shortId)), stored);
    const inText = flatPhrases.every((phrase) => flat.includes(phrase)) ? findPhrases(text, phrases) : null;
    if (inText) return { field: 'text', spans: inText };
    // The title can hold the phrases only if the index matched each of their words in it.
    const inTitle = phraseWords.every((word) => match[word]?.includes('title')) ? findPhrases(String(stored.title ?? ''), phrases) : null;
    return inTitle ? { field: 'title', spans: inTitle } : null;
  }

  #hit({ shortId, stored: result, match, score }: Candidate, found: { field: 'text' | 'title'; spans: Array<{ start: number; end: number }> }, queryTerms: ReadonlySet<string>): IndexHit {
    const title = String(result.title ?? '');
    const text = String(result.text ?? '');
    const matched = new Set(Object.keys(match));
    const id = String(this.#internals._documentIds.get(shortId));
    const textMatches = found.field === 'text' && (found.spans.length > 0 || Object.values(match).some((fields) => fields.includes('text')));
    const shown = textMatches ? snippet(text, matched, found.spans, 160, queryTerms) : snippet(title || text, matched, found.field === 'title' ? found.spans : [], 160, queryTerms);
    const { sessionId, eventId, kind, topicId, topicTitle, itemId, status } = result as unknown as SearchDoc;
    return {
      doc: { id, sessionId, eventId, kind, ...(topicId ? { topicId } : {}), ...(topicTitle ? { topicTitle } : {}), ...(itemId ? { itemId } : {}), ...(status ? { status } : {}) },
      snippet: shown,
      score: Math.round(score * 1000) / 1000,
    };
  }

  toJSON(): string {
    return JSON.stringify({ format: FORMAT, sources: Object.fromEntries(this.#sources), ids: Object.fromEntries(this.#ids), index: this.#index.toJSON() });
  }

  /** An index read back from `toJSON`; null when the text is not one (a fresh build follows). */
  static fromJSON(json: string, options: { prefixMaxTerms?: number } = {}): SearchIndex | null {
    try {
      const data = JSON.parse(json) as { format?: unknown; sources?: Record<string, SessionSource>; ids?: Record<string, string[]>; index?: unknown };
      if (data.format !== FORMAT || typeof data.sources !== 'object' || typeof data.ids !== 'object' || typeof data.index !== 'object') return null;
      const loaded = new SearchIndex(options);
      loaded.#index = MiniSearch.loadJS<SearchDoc>(data.index as AsPlainObject, INDEX_OPTIONS);
      loaded.#sources = new Map(Object.entries(data.sources!));
      loaded.#ids = new Map(Object.entries(data.ids!));
      return loaded;
    } catch {
      return null;
    }
  }
}
