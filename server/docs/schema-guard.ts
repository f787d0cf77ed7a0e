// Over ~350 lines: one decision procedure; resolving where a struct lands and the rules for each place read each other.
/**
 * The notes doc's schema, enforced on every client update before it is applied, stored or relayed
 * (issue #13). The decision is made from the decoded update alone, resolved against the doc: where
 * each new struct would land (its parent and map key, through its origins when the parent is not
 * encoded, exactly as Yjs's own integration resolves it) and which live items its delete set would
 * remove. Nothing is applied on trial: Yjs cannot roll a transaction back.
 *
 * What a client (participant, lead or admin over the socket) may write, and nothing else:
 *   - text inside an existing section's `notes` Y.Text: plain strings, no formatting attributes,
 *     embeds or nested types; deleting notes text;
 *   - a new action item appended to a section's `actions`: a Y.Map with exactly the keys id, text,
 *     done, createdBy, createdAt (strings, `done` a boolean, `id` a fresh unique slug, `createdAt`
 *     an ISO time), all set in the update that creates it;
 *   - an action item's `text` (string) and `done` (boolean), replaced by a new value;
 *   - a new decision appended to a section's `decisions` (issue #17): a Y.Map with exactly the keys
 *     id, text, createdBy, createdAt (strings; id and createdAt as for action items; ids are unique
 *     among action items and decisions), all set in the update that creates it;
 *   - a decision's `text` (string), replaced by a new value.
 * Refused: adding, removing, moving or replacing sections; setting a section's fields; deleting
 * action items, decisions or their fields; changing `id`, `createdBy` or `createdAt`; a decision's
 * `agreedBy` / `agreedAt` (a lead or admin sets them over HTTP, a server edit); unknown keys and
 * root types. Server edits (template, import, restore, repair) do not pass through here.
 */
import * as Y from 'yjs';
import {
  ACTION_ITEM_FIELDS,
  actionItemMaps,
  DECISION_AGREED_FIELDS,
  DECISION_ITEM_FIELDS,
  decisionItemMaps,
  isSectionMap,
  ROOT_TOPICS,
  SectionKey,
  topicSections,
} from '../../shared/doc-schema.ts';

/** A Yjs update decoded with `Y.decodeUpdate`. */
export interface DecodedUpdate {
  structs: Array<Y.Item | Y.GC | Y.Skip>;
  ds: ReturnType<typeof Y.decodeUpdate>['ds'];
}

/** Why an update was refused: `rule` is a short stable name (a metrics label), `message` the close
 *  reason the sender gets (starts with `schema:`). */
export interface SchemaRefusal {
  rule: string;
  message: string;
}

/** Decides whether a client update may be applied to `doc`; null allows it. */
export type UpdateGuard = (doc: Y.Doc, update: DecodedUpdate) => SchemaRefusal | null;

/** A field of an item map: its type (from the doc schema), whether clients may change it, and
 *  whether only the server sets it (clients may not write it at all). */
interface FieldSpec {
  type: 'string' | 'boolean';
  editable: boolean;
  serverOnly?: boolean;
}

/** An item list clients append to: action items or decisions. `rule` prefixes the refusal rules. */
interface ItemSpec {
  rule: 'action' | 'decision';
  noun: string;
  fields: Record<string, FieldSpec>;
}

const ACTION: ItemSpec = {
  rule: 'action',
  noun: 'action item',
  fields: Object.fromEntries(Object.entries(ACTION_ITEM_FIELDS).map(([key, type]) => [key, { type, editable: key === 'text' || key === 'done' }])),
};

const DECISION: ItemSpec = {
  rule: 'decision',
  noun: 'decision',
  fields: {
    ...Object.fromEntries(Object.entries(DECISION_ITEM_FIELDS).map(([key, type]) => [key, { type, editable: key === 'text' }])),
    ...Object.fromEntries(Object.entries(DECISION_AGREED_FIELDS).map(([key, type]) => [key, { type, editable: false, serverOnly: true }])),
  },
};

/** The fields a client sets when it creates an item. */
const clientFields = (spec: ItemSpec): string[] => Object.keys(spec.fields).filter((key) => !spec.fields[key]!.serverOnly);

/** Client-made action item ids: what our client makes (18 hex digits) and other slugs. */
const ACTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What a Yjs type is in the schema. `new-action` (`new-decision`) is an item map created by this update. */
type Kind =
  | 'topics'
  | 'section'
  | 'notes'
  | 'actions'
  | 'action'
  | 'new-action'
  | 'decisions'
  | 'decision'
  | 'new-decision'
  | 'unknown-root'
  | 'nested';

/** Where a struct lands: in `container` (a type of the doc, a type created by this update, or
 *  nowhere: Yjs discards items next to garbage-collected ones) under map key `key`. */
type Place =
  | { kind: Kind; container: Y.AbstractType<any> | Y.Item; key: string | null; rootName?: string }
  | { kind: 'gone' };

class Refused extends Error {
  readonly rule: string;
  constructor(rule: string, message: string) {
    super(`schema: ${message}`);
    this.rule = rule;
  }
}

function refuse(rule: string, message: string): never {
  throw new Refused(rule, message);
}

/** The schema guard of the notes doc. */
export const notesSchemaGuard: UpdateGuard = (doc, update) => {
  try {
    new UpdateCheck(doc, update).run();
    return null;
  } catch (error) {
    if (error instanceof Refused) return { rule: error.rule, message: error.message };
    throw error;
  }
};

/** A doc only the server writes (the session state doc): every client update is refused. */
export const serverOnlyGuard: UpdateGuard = (_doc, update) =>
  update.structs.some((struct) => !(struct instanceof Y.Skip)) || update.ds.clients.size > 0
    ? { rule: 'server-only', message: 'schema: this doc is written by the server only' }
    : null;

/** Kinds of the doc's own types, cached: a type's place in the schema never changes. */
const kindCache = new WeakMap<Y.AbstractType<any>, Kind>();

function kindOfType(type: Y.AbstractType<any>): Kind {
  const cached = kindCache.get(type);
  if (cached) return cached;
  const item = type._item;
  let kind: Kind;
  if (item === null) kind = Y.findRootTypeKey(type) === ROOT_TOPICS && type instanceof Y.Array ? 'topics' : 'unknown-root';
  else kind = childKind(item.parent instanceof Y.AbstractType ? kindOfType(item.parent) : 'nested', item.parentSub, type);
  kindCache.set(type, kind);
  return kind;
}

/** The kind of `type` placed in a container of kind `parent` under `key`. */
function childKind(parent: Kind, key: string | null, type: Y.AbstractType<any>): Kind {
  if (parent === 'topics' && key === null && type instanceof Y.Map) return 'section';
  if (parent === 'section' && key === SectionKey.notes && type instanceof Y.Text) return 'notes';
  if (parent === 'section' && key === SectionKey.actions && type instanceof Y.Array) return 'actions';
  if (parent === 'actions' && key === null && type instanceof Y.Map) return 'action';
  if (parent === 'section' && key === SectionKey.decisions && type instanceof Y.Array) return 'decisions';
  if (parent === 'decisions' && key === null && type instanceof Y.Map) return 'decision';
  return 'nested';
}

/** The struct holding `clock` in a list of one client's structs sorted by clock. */
function findStruct<T extends { id: Y.ID; length: number }>(structs: readonly T[], clock: number): T | undefined {
  let low = 0;
  let high = structs.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const struct = structs[mid]!;
    if (clock < struct.id.clock) high = mid - 1;
    else if (clock >= struct.id.clock + struct.length) low = mid + 1;
    else return struct;
  }
  return undefined;
}

class UpdateCheck {
  readonly #doc: Y.Doc;
  readonly #update: DecodedUpdate;
  /** This update's new structs (those past what the doc has), per client, sorted by clock. */
  readonly #fresh = new Map<number, Array<Y.Item | Y.GC>>();
  /** Resolved places of new items; `null` while being resolved (a cycle means a missing dependency). */
  readonly #places = new Map<Y.Item, Place>();
  /** The delete set as sorted ranges per client. */
  readonly #deleted = new Map<number, Array<{ clock: number; len: number }>>();
  /** Per action item or decision map, its kind and the fields this update gives a new value. */
  readonly #setFields = new Map<Y.AbstractType<any> | Y.Item, { spec: ItemSpec; fields: Map<string, Y.Item[]> }>();
  /** Action item and decision maps this update creates. */
  readonly #newItems: Array<{ item: Y.Item; spec: ItemSpec }> = [];

  constructor(doc: Y.Doc, update: DecodedUpdate) {
    this.#doc = doc;
    this.#update = update;
    // Defines the root as an array if nothing has yet (a doc only loaded from bytes has a generic
    // root type), so that its sections are recognised.
    doc.getArray(ROOT_TOPICS);
  }

  run(): void {
    this.#index();
    for (const structs of this.#fresh.values()) {
      for (const struct of structs) if (struct instanceof Y.Item) this.#checkItem(struct);
    }
    for (const { item, spec } of this.#newItems) this.#checkNewItem(item, spec);
    for (const [container, { spec, fields }] of this.#setFields) {
      if (!(container instanceof Y.Item)) this.#checkEditedItem(fields, spec);
    }
    this.#checkDeletes();
  }

  #index(): void {
    for (const struct of this.#update.structs) {
      if (struct instanceof Y.Skip) continue;
      const known = Y.getState(this.#doc.store, struct.id.client);
      // Yjs skips what the doc already has (a resync re-sends it), whatever it says.
      if (struct.id.clock + struct.length <= known) continue;
      const list = this.#fresh.get(struct.id.client) ?? [];
      list.push(struct);
      this.#fresh.set(struct.id.client, list);
    }
    for (const list of this.#fresh.values()) list.sort((a, b) => a.id.clock - b.id.clock);
    for (const [client, ranges] of this.#update.ds.clients) {
      this.#deleted.set(client, [...ranges].sort((a, b) => a.clock - b.clock));
    }
  }

  /** True when this update deletes the struct `id` (new items may be deleted in the same update). */
  #deletedHere(id: Y.ID): boolean {
    const ranges = this.#deleted.get(id.client);
    if (!ranges) return false;
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const range = ranges[mid]!;
      if (id.clock < range.clock) high = mid - 1;
      else if (id.clock >= range.clock + range.len) low = mid + 1;
      else return true;
    }
    return false;
  }

  /** The struct with `id`: the doc's when it has that clock, else this update's new one. */
  #lookup(id: Y.ID): { struct: Y.Item | Y.GC; fresh: boolean } | undefined {
    if (id.clock < Y.getState(this.#doc.store, id.client)) {
      const structs = this.#doc.store.clients.get(id.client)!;
      return { struct: structs[Y.findIndexSS(structs, id.clock)]!, fresh: false };
    }
    const struct = findStruct(this.#fresh.get(id.client) ?? [], id.clock);
    return struct && { struct, fresh: true };
  }

  /** Where an existing item of the doc is (its parent type is always set once integrated). */
  #placeOfIntegrated(item: Y.Item): Place {
    if (!(item.parent instanceof Y.AbstractType)) return { kind: 'gone' };
    return { kind: kindOfType(item.parent), container: item.parent, key: item.parentSub };
  }

  /** Resolves where a new item lands, as Yjs's Item.getMissing does: from its left origin, else its
   *  right origin, else its encoded parent. Iterative: origins can chain through many new items. */
  #place(item: Y.Item): Place {
    const stack = [item];
    const waiting = new Set<Y.Item>();
    while (stack.length > 0) {
      const current = stack[stack.length - 1]!;
      if (this.#places.has(current)) {
        stack.pop();
        continue;
      }
      const dependency = this.#unresolvedDependency(current);
      if (dependency) {
        // A cycle of new items: none of them can be integrated.
        if (waiting.has(dependency)) refuse('missing-dependency', 'the update depends on content the server does not have: resync');
        waiting.add(current);
        stack.push(dependency);
        continue;
      }
      this.#places.set(current, this.#resolve(current));
      stack.pop();
    }
    return this.#places.get(item)!;
  }

  /** A new item whose place must be known before `item`'s, if any. */
  #unresolvedDependency(item: Y.Item): Y.Item | null {
    for (const id of [item.origin, item.rightOrigin, item.parent instanceof Y.ID ? item.parent : null]) {
      if (!id) continue;
      const found = this.#lookup(id);
      if (found?.fresh && found.struct instanceof Y.Item && !this.#places.has(found.struct)) return found.struct;
    }
    return null;
  }

  /** Where an item next to the struct `id` lands (Yjs puts it beside that struct, in its parent). */
  #placeBeside(id: Y.ID): Place {
    const found = this.#lookup(id);
    if (!found) refuse('missing-dependency', 'the update depends on content the server does not have: resync');
    if (found.struct instanceof Y.GC) return { kind: 'gone' };
    return found.fresh ? this.#places.get(found.struct)! : this.#placeOfIntegrated(found.struct);
  }

  #resolve(item: Y.Item): Place {
    if (item.origin || item.rightOrigin) {
      const left = item.origin ? this.#placeBeside(item.origin) : null;
      const right = item.rightOrigin ? this.#placeBeside(item.rightOrigin) : null;
      if (left?.kind === 'gone' || right?.kind === 'gone') return { kind: 'gone' };
      if (left && right && (left.container !== right.container || left.key !== right.key)) {
        refuse('inconsistent-origins', 'an insertion between items of different lists');
      }
      return (left ?? right)!;
    }
    const parent = item.parent;
    if (typeof parent === 'string') {
      const root = this.#doc.share.get(parent);
      const kind: Kind = parent === ROOT_TOPICS ? 'topics' : 'unknown-root';
      return { kind, container: root ?? item, key: item.parentSub, rootName: parent };
    }
    if (!(parent instanceof Y.ID)) refuse('no-parent', 'an item without a parent');
    const found = this.#lookup(parent);
    if (!found) refuse('missing-dependency', 'the update depends on content the server does not have: resync');
    if (found.struct instanceof Y.GC) return { kind: 'gone' };
    const container = found.struct;
    if (!(container.content instanceof Y.ContentType)) refuse('bad-parent', 'an item whose parent is not a shared type');
    if (!found.fresh) return { kind: kindOfType(container.content.type), container: container.content.type, key: item.parentSub };
    const containerPlace = this.#places.get(container)!;
    const isItem = containerPlace.kind !== 'gone' && containerPlace.key === null && container.content.type instanceof Y.Map;
    const kind: Kind = isItem && containerPlace.kind === 'actions' ? 'new-action' : isItem && containerPlace.kind === 'decisions' ? 'new-decision' : 'nested';
    return { kind, container, key: item.parentSub };
  }

  #checkItem(item: Y.Item): void {
    const place = this.#place(item);
    if (place.kind === 'gone') return;
    const { content } = item;
    switch (place.kind) {
      case 'topics':
        if (place.key !== null) refuse('topics-key', 'the topics list has no keys');
        return refuse('section-added', 'sections may not be added by clients');
      case 'unknown-root':
        return refuse('unknown-root', `unknown root type "${place.rootName ?? '?'}" (clients write only inside "${ROOT_TOPICS}")`);
      case 'section':
        return refuse('section-field', `section fields (${Object.values(SectionKey).join(', ')}) are set by the server only`);
      case 'notes':
        if (place.key !== null) refuse('notes-attribute', 'notes have no attributes');
        if (content instanceof Y.ContentFormat) refuse('notes-format', 'formatting attributes are not allowed in notes');
        if (!(content instanceof Y.ContentString || content instanceof Y.ContentDeleted)) refuse('notes-content', 'notes hold plain text only');
        return;
      case 'actions':
        return this.#checkListEntry(item, place.key, ACTION);
      case 'decisions':
        return this.#checkListEntry(item, place.key, DECISION);
      case 'action':
      case 'new-action':
        return this.#checkField(item, place.container, place.key, ACTION);
      case 'decision':
      case 'new-decision':
        return this.#checkField(item, place.container, place.key, DECISION);
      case 'nested':
        return refuse('nested', 'content inside an action item or decision field or another value clients may not write into');
    }
  }

  /** An entry of an action or decision list: a new item map, kept for its shape check. */
  #checkListEntry(item: Y.Item, key: string | null, spec: ItemSpec): void {
    const list = spec === ACTION ? 'the action list' : 'the decision list';
    if (key !== null) refuse(`${spec.rule}s-key`, `${list} has no keys`);
    const { content } = item;
    if (content instanceof Y.ContentType && content.type instanceof Y.Map) {
      if (this.#deletedHere(item.id)) refuse(`${spec.rule}-deleted`, `${spec.noun}s may not be deleted`);
      this.#newItems.push({ item, spec });
      return;
    }
    if (content instanceof Y.ContentDeleted) refuse(`${spec.rule}-deleted`, `${spec.noun}s may not be deleted`);
    refuse(`${spec.rule}-not-map`, `${spec.noun}s must be maps`);
  }

  /** One value set on an action item or decision map (new or existing). */
  #checkField(item: Y.Item, container: Y.AbstractType<any> | Y.Item, key: string | null, spec: ItemSpec): void {
    const field = key === null ? undefined : spec.fields[key];
    if (key === null || !field) refuse(`${spec.rule}-field`, `unknown ${spec.noun} field "${key ?? '(list entry)'}"`);
    if (field.serverOnly) refuse(`${spec.rule}-agreed`, `${spec.noun} field "${key}" is set by a lead or admin over HTTP only`);
    const { content } = item;
    const deleted = this.#deletedHere(item.id);
    if (!(content instanceof Y.ContentDeleted)) {
      const values = content instanceof Y.ContentAny ? content.arr : null;
      if (!values || values.length !== 1 || typeof values[0] !== field.type) {
        refuse(`${spec.rule}-value`, `${spec.noun} field "${key}" must be a ${field.type}`);
      }
    } else if (!deleted) refuse(`${spec.rule}-value`, `${spec.noun} field "${key}" must be a ${field.type}`);
    const entry = this.#setFields.get(container) ?? { spec, fields: new Map<string, Y.Item[]>() };
    this.#setFields.set(container, entry);
    const items = entry.fields.get(key) ?? [];
    items.push(item);
    entry.fields.set(key, items);
  }

  /** A new action item or decision: every client field set exactly once (editable ones may be
   *  replaced), live, valid. */
  #checkNewItem(created: Y.Item, spec: ItemSpec): void {
    const fields = this.#setFields.get(created)?.fields ?? new Map<string, Y.Item[]>();
    const values: Record<string, unknown> = {};
    const names = clientFields(spec);
    for (const key of names) {
      const items = fields.get(key) ?? [];
      const live = items.filter((item) => !this.#deletedHere(item.id));
      if (live.length !== 1 || (!spec.fields[key]!.editable && items.length !== 1)) {
        refuse(`${spec.rule}-shape`, `a new ${spec.noun} needs exactly one "${key}" (fields: ${names.join(', ')})`);
      }
      values[key] = (live[0]!.content as Y.ContentAny).arr[0];
    }
    const id = values.id as string;
    if (!ACTION_ID.test(id)) refuse(`${spec.rule}-id`, `${spec.noun} ids are 1-64 letters, digits, "-" or "_"`);
    if (Number.isNaN(Date.parse(values.createdAt as string))) refuse(`${spec.rule}-created-at`, 'createdAt must be an ISO 8601 time');
    if (this.#itemIds().has(id)) refuse(`${spec.rule}-id-taken`, `${spec.noun} id "${id}" is already used`);
    this.#itemIds().add(id);
  }

  /** Fields of an existing action item or decision: only the editable ones, each given a live value. */
  #checkEditedItem(fields: Map<string, Y.Item[]>, spec: ItemSpec): void {
    for (const [key, items] of fields) {
      if (!spec.fields[key]!.editable) refuse(`${spec.rule}-immutable`, `${spec.noun} field "${key}" is set once and never changed`);
      if (items.every((item) => this.#deletedHere(item.id))) refuse(`${spec.rule}-field-removed`, `${spec.noun} field "${key}" may not be removed`);
    }
  }

  #ids: Set<string> | null = null;

  /** Ids of the doc's action items and decisions (read once per update that creates one). */
  #itemIds(): Set<string> {
    if (this.#ids) return this.#ids;
    this.#ids = new Set();
    // Every section counts, duplicates included: an id must not collide with any item in the doc.
    for (const section of topicSections(this.#doc)) {
      if (!isSectionMap(section)) continue;
      for (const item of [...actionItemMaps(section), ...decisionItemMaps(section)]) {
        const id = item.get('id');
        if (typeof id === 'string') this.#ids.add(id);
      }
    }
    return this.#ids;
  }

  /** Live items of the doc that the delete set would remove. Ranges that are already deleted (a
   *  resync re-sends the whole delete set) and new items (checked above) are skipped. */
  #checkDeletes(): void {
    for (const [client, ranges] of this.#deleted) {
      const structs = this.#doc.store.clients.get(client);
      if (!structs) continue;
      const known = Y.getState(this.#doc.store, client);
      for (const { clock, len } of ranges) {
        if (clock >= known) continue;
        const end = Math.min(clock + len, known);
        for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
          const struct = structs[index]!;
          if (struct.id.clock >= end) break;
          if (struct instanceof Y.Item && !struct.deleted) this.#checkDelete(struct);
        }
      }
    }
  }

  #checkDelete(item: Y.Item): void {
    const place = this.#placeOfIntegrated(item);
    switch (place.kind) {
      case 'gone':
      case 'notes':
        return;
      case 'topics':
        return refuse('section-removed', 'sections may not be removed by clients');
      case 'section':
        return refuse('section-field', `section fields (${Object.values(SectionKey).join(', ')}) are set by the server only`);
      case 'actions':
        return refuse('action-deleted', 'action items may not be deleted');
      case 'decisions':
        return refuse('decision-deleted', 'decisions may not be deleted');
      case 'action':
      case 'decision': {
        const spec = place.kind === 'action' ? ACTION : DECISION;
        const key = place.key ?? '';
        const replaced = this.#setFields.get(place.container)?.fields.get(key)?.some((value) => !this.#deletedHere(value.id));
        if (spec.fields[key]?.editable && replaced) return;
        if (spec.fields[key]?.serverOnly) return refuse(`${spec.rule}-agreed`, `${spec.noun} field "${key}" is set by a lead or admin over HTTP only`);
        return refuse(`${spec.rule}-field-removed`, `${spec.noun} field "${key}" may not be removed`);
      }
      default:
        return refuse('delete-outside-schema', 'deletes outside the notes and action items');
    }
  }
}
