/**
 * Structure-aware fuzzing of the notes schema (issue #13): seeded peers make random, valid-Yjs
 * changes to their copy of a session doc (random paths, types, keys and deletes), each labelled
 * by construction as allowed or not by the documented schema. The server's decision must match the
 * label; a refused peer starts over from the server's state, as a reconnecting client would.
 */
import * as Y from 'yjs';
import { ROOT_TOPICS } from '../../shared/doc-schema.ts';

/** mulberry32: a small seeded PRNG so a failing run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One change a peer sends: a Yjs update, as a live update or inside a resync's step 2. */
export interface FuzzChange {
  peer: number;
  op: string;
  allowed: boolean;
  update: Uint8Array;
  asStep2: boolean;
}

type Op = { name: string; allowed: boolean; run: (doc: Y.Doc) => boolean };

const ACTION_KEYS = ['id', 'text', 'done', 'createdBy', 'createdAt'] as const;
const DECISION_KEYS = ['id', 'text', 'createdBy', 'createdAt'] as const;
const TEXTS = ['x', 'shiftfs', 'pidfd_open()', '- item\n- item', '**bold**', 'ünïcødé ✓ 🚀', '\n\n', '<img src=x onerror=alert(1)>', '    '];

export class SchemaFuzzer {
  readonly #random: () => number;
  readonly #docs: Y.Doc[];
  /** What each peer knew of the server when it last pulled (a resync's step 2 is built against it). */
  readonly #known: Uint8Array[];
  readonly #ops: Op[];

  constructor(seed: number, peers: number, serverState: Uint8Array) {
    this.#random = prng(seed);
    this.#docs = [];
    this.#known = [];
    for (let i = 0; i < peers; i++) this.reset(i, serverState);
    this.#ops = [...this.#allowedOps(), ...this.#refusedOps()];
  }

  get peers(): number {
    return this.#docs.length;
  }

  /** The peer starts over from the server's state with a new client id (after a refusal). */
  reset(peer: number, serverState: Uint8Array): void {
    this.#docs[peer]?.destroy();
    const doc = new Y.Doc();
    doc.clientID = 1_000 + Math.floor(this.#random() * 2 ** 30);
    Y.applyUpdate(doc, serverState);
    this.#docs[peer] = doc;
    this.#known[peer] = Y.encodeStateVector(doc);
  }

  /** What the peer misses of the server (`stateAfter` answers a state vector), applied to its copy. */
  pull(peer: number, missing: (stateVector: Uint8Array) => Uint8Array): void {
    const doc = this.#docs[peer]!;
    Y.applyUpdate(doc, missing(Y.encodeStateVector(doc)));
    this.#known[peer] = Y.encodeStateVector(doc);
  }

  /** A random change of `peer`: two in three allowed. Null when the chosen op had nothing to act on. */
  next(peer: number): FuzzChange | null {
    const doc = this.#docs[peer]!;
    const wantAllowed = this.#random() < 2 / 3;
    const candidates = this.#ops.filter((op) => op.allowed === wantAllowed);
    const op = this.#pick(candidates);
    const updates: Uint8Array[] = [];
    const record = (update: Uint8Array): void => void updates.push(update);
    doc.on('update', record);
    let acted = false;
    doc.transact(() => {
      acted = op.run(doc);
    });
    doc.off('update', record);
    if (!acted || updates.length === 0) return null;
    const asStep2 = this.#random() < 0.2;
    const update = asStep2 ? Y.encodeStateAsUpdate(doc, this.#known[peer]) : Y.mergeUpdates(updates);
    return { peer, op: op.name, allowed: op.allowed, update, asStep2 };
  }

  #int(n: number): number {
    return Math.floor(this.#random() * n);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)]!;
  }

  #text(): string {
    return this.#pick(TEXTS) + (this.#random() < 0.5 ? String(this.#int(1000)) : '');
  }

  /** Well-formed sections (an earlier op of the same transaction may have broken one). */
  #sections(doc: Y.Doc): Y.Map<unknown>[] {
    return doc
      .getArray<unknown>(ROOT_TOPICS)
      .toArray()
      .filter((s): s is Y.Map<unknown> => s instanceof Y.Map && s.get('notes') instanceof Y.Text && s.get('actions') instanceof Y.Array);
  }

  #section(doc: Y.Doc): Y.Map<unknown> {
    return this.#pick(this.#sections(doc));
  }

  #notes(doc: Y.Doc): Y.Text {
    return this.#section(doc).get('notes') as Y.Text;
  }

  #actionLists(doc: Y.Doc): Y.Array<Y.Map<unknown>>[] {
    return this.#sections(doc).map((section) => section.get('actions') as Y.Array<Y.Map<unknown>>);
  }

  #actionMaps(list: Y.Array<any>): Y.Map<unknown>[] {
    return list.toArray().filter((item): item is Y.Map<unknown> => item instanceof Y.Map);
  }

  #anyAction(doc: Y.Doc): Y.Map<unknown> | null {
    const all = this.#actionLists(doc).flatMap((list) => this.#actionMaps(list));
    return all.length > 0 ? this.#pick(all) : null;
  }

  /** Decision lists of the well-formed sections that have one (issue #17). */
  #decisionLists(doc: Y.Doc): Y.Array<unknown>[] {
    return this.#sections(doc)
      .map((section) => section.get('decisions'))
      .filter((list): list is Y.Array<unknown> => list instanceof Y.Array);
  }

  #anyDecision(doc: Y.Doc): Y.Map<unknown> | null {
    const all = this.#decisionLists(doc).flatMap((list) => this.#actionMaps(list));
    return all.length > 0 ? this.#pick(all) : null;
  }

  #decisionFields(): Record<string, unknown> {
    const { done: _done, ...fields } = this.#actionFields();
    return fields;
  }

  /** Pushes `item` onto a random decision list; false when no section has one. */
  #pushDecision(doc: Y.Doc, item: unknown): boolean {
    const lists = this.#decisionLists(doc);
    if (lists.length === 0) return false;
    this.#pick(lists).push([item]);
    return true;
  }

  #actionFields(): Record<string, unknown> {
    return {
      id: Array.from({ length: 9 }, () => this.#int(256).toString(16).padStart(2, '0')).join(''),
      text: this.#text(),
      done: false,
      createdBy: this.#pick(['Alice', 'Bob', 'Christian', 'Mallory']),
      createdAt: new Date(1568102400000 + this.#int(1e9)).toISOString(),
    };
  }

  #map(fields: Record<string, unknown>): Y.Map<unknown> {
    const map = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(fields)) map.set(key, value);
    return map;
  }

  /** A value of a random kind: plain JSON or a shared type. */
  #anyValue(): unknown {
    switch (this.#int(8)) {
      case 0:
        return this.#text();
      case 1:
        return this.#int(1e6);
      case 2:
        return this.#random() < 0.5;
      case 3:
        return null;
      case 4:
        return { nested: this.#text() };
      case 5:
        return new Y.Map();
      case 6:
        return new Y.Array();
      default:
        return new Y.Text(this.#text());
    }
  }

  #allowedOps(): Op[] {
    const type = (doc: Y.Doc): boolean => {
      const notes = this.#notes(doc);
      notes.insert(this.#int(notes.length + 1), this.#text());
      return true;
    };
    const erase = (doc: Y.Doc): boolean => {
      const notes = this.#notes(doc);
      if (notes.length === 0) return false;
      const at = this.#int(notes.length);
      notes.delete(at, 1 + this.#int(Math.min(20, notes.length - at)));
      return true;
    };
    const capture = (doc: Y.Doc): boolean => {
      (this.#section(doc).get('actions') as Y.Array<Y.Map<unknown>>).push([this.#map(this.#actionFields())]);
      return true;
    };
    const edit = (doc: Y.Doc): boolean => {
      const action = this.#anyAction(doc);
      action?.set('text', this.#text());
      return action !== null;
    };
    const tick = (doc: Y.Doc): boolean => {
      const action = this.#anyAction(doc);
      action?.set('done', action.get('done') !== true);
      return action !== null;
    };
    const decide = (doc: Y.Doc): boolean => this.#pushDecision(doc, this.#map(this.#decisionFields()));
    const reword = (doc: Y.Doc): boolean => {
      const decision = this.#anyDecision(doc);
      decision?.set('text', this.#text());
      return decision !== null;
    };
    const several = (doc: Y.Doc): boolean => {
      let acted = false;
      for (let i = 0; i < 2 + this.#int(4); i++) acted = this.#pick([type, erase, capture, edit, tick, decide, reword])(doc) || acted;
      return acted;
    };
    return [
      { name: 'type notes', allowed: true, run: type },
      { name: 'delete notes', allowed: true, run: erase },
      { name: 'capture action item', allowed: true, run: capture },
      { name: 'edit action text', allowed: true, run: edit },
      { name: 'tick action', allowed: true, run: tick },
      { name: 'record decision', allowed: true, run: decide },
      { name: 'edit decision text', allowed: true, run: reword },
      { name: 'several allowed edits', allowed: true, run: several },
    ];
  }

  #refusedOps(): Op[] {
    const topics = (doc: Y.Doc): Y.Array<unknown> => doc.getArray(ROOT_TOPICS);
    const withAction = (change: (action: Y.Map<unknown>) => void) => (doc: Y.Doc): boolean => {
      const action = this.#anyAction(doc);
      if (action) change(action);
      return action !== null;
    };
    const ops: Op[] = [
      { name: 'insert into topics', allowed: false, run: (doc) => (topics(doc).insert(this.#int(topics(doc).length + 1), [this.#anyValue()]), true) },
      { name: 'delete sections', allowed: false, run: (doc) => (topics(doc).delete(this.#int(topics(doc).length), 1), true) },
      {
        name: 'set a section field',
        allowed: false,
        run: (doc) => (this.#section(doc).set(this.#pick(['id', 'title', 'notes', 'actions', 'decisions', 'extra']), this.#anyValue()), true),
      },
      { name: 'delete a section field', allowed: false, run: (doc) => (this.#section(doc).delete(this.#pick(['id', 'title', 'notes', 'actions', 'decisions'])), true) },
      { name: 'formatted notes', allowed: false, run: (doc) => (this.#notes(doc).insert(0, this.#text(), { bold: true }), true) },
      {
        name: 'format notes',
        allowed: false,
        run: (doc) => {
          const notes = this.#notes(doc);
          if (notes.length === 0) notes.insert(0, 'x');
          notes.format(0, 1, { [this.#pick(['bold', 'italic', 'href'])]: this.#anyValue() === null ? true : 'v' });
          return true;
        },
      },
      { name: 'embed in notes', allowed: false, run: (doc) => (this.#notes(doc).insertEmbed(0, this.#pick([{ image: 'x' }, new Y.Map()]) as object), true) },
      { name: 'notes attribute', allowed: false, run: (doc) => (this.#notes(doc).setAttribute('lang', 'en'), true) },
      { name: 'non-map action', allowed: false, run: (doc) => ((this.#section(doc).get('actions') as Y.Array<unknown>).push([this.#anyValue() ?? 'x']), true) },
      {
        name: 'malformed new action',
        allowed: false,
        run: (doc) => {
          const fields = this.#actionFields();
          switch (this.#int(4)) {
            case 0:
              delete fields[this.#pick(ACTION_KEYS)];
              break;
            case 1:
              fields[this.#pick(['assignee', 'status', 'due', '__proto'])] = this.#anyValue();
              break;
            case 2: {
              const key = this.#pick(ACTION_KEYS);
              fields[key] = key === 'done' ? 'yes' : this.#int(100);
              break;
            }
            default:
              fields.id = this.#pick(['', 'has space', 'x'.repeat(65), '../etc']);
          }
          (this.#section(doc).get('actions') as Y.Array<unknown>).push([this.#map(fields)]);
          return true;
        },
      },
      {
        name: 'duplicate action id',
        allowed: false,
        run: (doc) => {
          const existing = this.#anyAction(doc);
          if (!existing) return false;
          (this.#section(doc).get('actions') as Y.Array<unknown>).push([this.#map({ ...this.#actionFields(), id: existing.get('id') })]);
          return true;
        },
      },
      { name: 'change an immutable action field', allowed: false, run: withAction((a) => a.set(this.#pick(['id', 'createdBy', 'createdAt']), this.#text())) },
      { name: 'remove an action field', allowed: false, run: withAction((a) => a.delete(this.#pick(ACTION_KEYS))) },
      { name: 'unknown action field', allowed: false, run: withAction((a) => a.set(this.#pick(['assignee', 'due', 'x']), this.#anyValue())) },
      { name: 'wrong action value', allowed: false, run: withAction((a) => a.set(this.#pick(['text', 'done']), this.#pick([7, null, new Y.Map(), new Y.Text('t')]))) },
      {
        name: 'delete an action item',
        allowed: false,
        run: (doc) => {
          const list = this.#actionLists(doc).find((l) => l.length > 0);
          if (!list) return false;
          list.delete(this.#int(list.length), 1);
          return true;
        },
      },
      ...this.#refusedDecisionOps(),
      {
        name: 'write an unknown root',
        allowed: false,
        run: (doc) => {
          const name = this.#pick(['bot', 'meta', 'x', 'topics2']);
          switch (this.#int(3)) {
            case 0:
              doc.getMap(name).set('k', this.#anyValue());
              break;
            case 1:
              doc.getArray(`${name}-list`).push([this.#anyValue()]);
              break;
            default:
              doc.getText(`${name}-text`).insert(0, this.#text());
          }
          return true;
        },
      },
    ];
    // An allowed edit in the same transaction does not make a refused one pass.
    const allowed = this.#allowedOps();
    const refused = [...ops];
    ops.push({
      name: 'allowed and refused together',
      allowed: false,
      // The refused part first: when it has nothing to act on, nothing may be changed (an allowed
      // part already made would stay in the peer's copy unsent, and later changes would build on it).
      run: (doc) => {
        if (!this.#pick(refused).run(doc)) return false;
        this.#pick(allowed).run(doc);
        return true;
      },
    });
    return ops;
  }

  /** Decisions (issue #17): what clients may not do to them. */
  #refusedDecisionOps(): Op[] {
    const withDecision = (change: (decision: Y.Map<unknown>) => void) => (doc: Y.Doc): boolean => {
      const decision = this.#anyDecision(doc);
      if (decision) change(decision);
      return decision !== null;
    };
    return [
      { name: 'non-map decision', allowed: false, run: (doc) => this.#pushDecision(doc, this.#anyValue() ?? 'x') },
      {
        name: 'malformed new decision',
        allowed: false,
        run: (doc) => {
          const fields = this.#decisionFields();
          switch (this.#int(4)) {
            case 0:
              delete fields[this.#pick(DECISION_KEYS)];
              break;
            case 1:
              fields[this.#pick(['agreedBy', 'agreedAt', 'done', 'x'])] = this.#pick(['Mallory', '2019-09-10T10:00:00Z', this.#anyValue()]);
              break;
            case 2:
              fields[this.#pick(DECISION_KEYS)] = this.#pick([7, true, null, new Y.Text('t')]);
              break;
            default:
              fields.id = this.#pick(['', 'has space', 'x'.repeat(65), '../etc']);
          }
          return this.#pushDecision(doc, this.#map(fields));
        },
      },
      {
        name: 'duplicate decision id',
        allowed: false,
        run: (doc) => {
          const existing = this.#random() < 0.5 ? this.#anyDecision(doc) : this.#anyAction(doc);
          return existing !== null && this.#pushDecision(doc, this.#map({ ...this.#decisionFields(), id: existing.get('id') }));
        },
      },
      { name: 'agree a decision', allowed: false, run: withDecision((d) => d.set(this.#pick(['agreedBy', 'agreedAt']), this.#text())) },
      { name: 'change an immutable decision field', allowed: false, run: withDecision((d) => d.set(this.#pick(['id', 'createdBy', 'createdAt']), this.#text())) },
      { name: 'remove a decision field', allowed: false, run: withDecision((d) => d.delete(this.#pick(DECISION_KEYS))) },
      { name: 'wrong decision value', allowed: false, run: withDecision((d) => d.set('text', this.#pick([7, null, false, new Y.Map(), new Y.Text('t')]))) },
      {
        name: 'delete a decision',
        allowed: false,
        run: (doc) => {
          const list = this.#decisionLists(doc).find((l) => l.length > 0);
          if (!list) return false;
          list.delete(this.#int(list.length), 1);
          return true;
        },
      },
    ];
  }
}
