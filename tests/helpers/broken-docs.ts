/**
 * Notes docs that do not fit the doc schema (issue #13), each built the way a client could send it:
 * a template doc with notes and an action item in the first topic, then one malformed edit.
 */
import * as Y from 'yjs';
import { findSection, ROOT_LAYOUT, topicSections, type SectionMap } from '../../shared/doc-schema.ts';
import { buildTemplateUpdate } from '../../shared/topic-template.ts';

export const TOPICS = [
  { id: 'alpha', title: 'Alpha topic' },
  { id: 'beta', title: 'Beta topic' },
  { id: 'gamma', title: 'Gamma topic' },
];

export function itemMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const item = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) item.set(key, value);
  return item;
}

/** A well-formed doc: alpha has notes and one action item, beta has notes. */
export function goodDoc(): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
  const alpha = findSection(doc, 'alpha')!;
  (alpha.get('notes') as Y.Text).insert(0, 'alpha notes');
  (alpha.get('actions') as Y.Array<unknown>).push([itemMap({ id: 'good', text: 'Good item', done: false, createdBy: 'Ada', createdAt: '2019-09-10T10:00:00Z' })]);
  (findSection(doc, 'beta')!.get('notes') as Y.Text).insert(0, 'beta notes');
  return doc;
}

const topicsOf = (doc: Y.Doc): Y.Array<unknown> => topicSections(doc);
const section = (doc: Y.Doc, id: string): SectionMap => findSection(doc, id)!;

/** Each malformed edit, by name. */
export const BROKEN_SHAPES: Record<string, (doc: Y.Doc) => void> = {
  'a string pushed into topics': (doc) => topicsOf(doc).push(['x']),
  'a number pushed into topics': (doc) => topicsOf(doc).push([42]),
  'a Y.Text pushed into topics (a section that is not a map)': (doc) => topicsOf(doc).push([new Y.Text('not a section')]),
  "a section's notes replaced by a string": (doc) => section(doc, 'beta').set('notes', 'beta as a string'),
  "a section's notes replaced by a map": (doc) => section(doc, 'beta').set('notes', new Y.Map()),
  "a section's actions replaced by a string": (doc) => section(doc, 'alpha').set('actions', 'nope'),
  "a section's actions replaced by a number": (doc) => section(doc, 'alpha').set('actions', 7),
  'non-map entries pushed into an actions array': (doc) => (section(doc, 'alpha').get('actions') as Y.Array<unknown>).push(['junk', 3, new Y.Text('t')]),
  'an action item with missing and mistyped keys': (doc) => (section(doc, 'alpha').get('actions') as Y.Array<unknown>).push([itemMap({ text: 5, done: 'yes', createdBy: 9 })]),
  'a section without id and title (with notes)': (doc) => topicsOf(doc).push([itemMap({ notes: new Y.Text('orphan notes') })]),
  'an empty section without id and title': (doc) => topicsOf(doc).push([new Y.Map()]),
  'a section whose id is a number': (doc) => topicsOf(doc).push([itemMap({ id: 12, title: 'Numbered', notes: new Y.Text(), actions: new Y.Array() })]),
  'two sections with the same topic id': (doc) =>
    topicsOf(doc).push([
      itemMap({ id: 'alpha', title: 'Alpha again', notes: new Y.Text('duplicate notes'), actions: Y.Array.from([itemMap({ id: 'dup-item', text: 'Dup item', done: true, createdBy: 'Bo', createdAt: '2019-09-10T11:00:00Z' })]) }),
    ]),
  'a section title that differs from the metadata': (doc) => section(doc, 'gamma').set('title', 'Hijacked'),
  'content in unknown root types': (doc) => {
    doc.getMap('junk').set('a', 'b');
    doc.getText('evil').insert(0, 'evil text');
    doc.getArray('more').push([1, 2]);
  },
};

/** The malformed edit applied to a well-formed doc as a client would send it (an update). */
export function brokenDoc(shape: string): Y.Doc {
  const doc = goodDoc();
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(doc));
  BROKEN_SHAPES[shape]!(client);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(client, Y.encodeStateVector(doc)));
  client.destroy();
  return doc;
}

const ITEM_FIELDS = { id: 'string', text: 'string', done: 'boolean', createdBy: 'string', createdAt: 'string' } as const;
/** Fields of an action item map that are missing or mistyped (the oracle: written from the README's schema, not imported). */
const misfitActionFields = (item: Y.Map<unknown>): string[] => Object.entries(ITEM_FIELDS).filter(([key, type]) => typeof item.get(key) !== type).map(([key]) => key);

/** Everything that does not fit the documented schema (empty: the doc fits). */
export function schemaMisfits(doc: Y.Doc, topics: ReadonlyArray<{ id: string; title: string }>): string[] {
  const found: string[] = [];
  const ids = new Set<string>();
  topicSections(doc).forEach((entry, index) => {
    if (!(entry instanceof Y.Map)) return void found.push(`topics[${index}] is not a map`);
    const id = entry.get('id');
    if (typeof id !== 'string' || id === '') found.push(`topics[${index}] has no id`);
    else if (ids.has(id)) found.push(`topics[${index}] duplicates ${id}`);
    else ids.add(id);
    const title = entry.get('title');
    const topic = topics.find((t) => t.id === id);
    if (typeof title !== 'string' || (topic && title !== topic.title)) found.push(`topics[${index}] title ${String(title)}`);
    if (!(entry.get('notes') instanceof Y.Text)) found.push(`topics[${index}] notes`);
    const actions = entry.get('actions');
    if (!(actions instanceof Y.Array)) return void found.push(`topics[${index}] actions`);
    for (const item of actions) {
      if (!(item instanceof Y.Map)) found.push(`topics[${index}] action entry`);
      else if (misfitActionFields(item).length > 0) found.push(`topics[${index}] item fields ${misfitActionFields(item).join(',')}`);
    }
  });
  for (const [name, type] of doc.share) {
    // `layout` is the server-written topic order (issue #15): a schema root, not a stray one.
    if (name === 'topics' || name === ROOT_LAYOUT) continue;
    const internals = type as unknown as { _map: Map<string, { deleted: boolean }>; _start: { deleted: boolean; right: unknown } | null };
    const live = [...internals._map.values()].some((item) => !item.deleted);
    let item = internals._start as { deleted: boolean; right: unknown } | null;
    let text = false;
    for (; item; item = item.right as typeof item) if (!item.deleted) text = true;
    if (live || text) found.push(`root ${name} has content`);
  }
  return found;
}
