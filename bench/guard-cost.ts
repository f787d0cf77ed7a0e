/**
 * `npm run bench:guard`: what the schema guard (server/docs/schema-guard.ts, issue #13) costs per
 * client update, next to what applying the same update costs, on docs of about 1 KB, 100 KB and
 * 4 MB (encoded state, built from a realistic history: many writers typing and deleting). Kinds of
 * update: one keystroke in the notes, a new action item, an action item's text replaced, and a
 * resync's sync step 2 (a reconnecting client's offline edits plus the doc's whole delete set).
 * Prints p50/p99 in microseconds; results also go to bench/results/guard-<time>.json (git-ignored).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as Y from 'yjs';
import { PROJECT_ROOT } from '../server/config.ts';
import { notesSchemaGuard } from '../server/docs/schema-guard.ts';
import { addActionItem, sectionActions, sectionNotes, topicSections, type SectionMap } from '../shared/doc-schema.ts';
import { buildTemplateUpdate } from '../shared/topic-template.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2_000);
const TARGETS = (process.env.BENCH_DOC_BYTES ?? '1000,100000,4000000').split(',').map(Number);
const TOPICS = Array.from({ length: 19 }, (_, i) => ({ id: `topic-${i}`, title: `Topic ${i}` }));

const log = (message: string): void => void process.stderr.write(`${message}\n`);

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const int = (n: number): number => Math.floor(random() * n);

const section = (doc: Y.Doc, i: number): SectionMap => topicSections(doc).get(i) as SectionMap;

/** A doc grown by many writers typing chunks and deleting some, to about `bytes` encoded. Each
 *  round is typed into the doc directly under one of 300 client ids (a long day's page loads: Yjs's
 *  per-update work grows with the number of client ids a doc has seen). */
function grownDoc(bytes: number): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, buildTemplateUpdate(TOPICS));
  let size = Y.encodeStateAsUpdate(doc).length;
  for (let round = 0; size < bytes; round++) {
    doc.clientID = 1_000 + (round % 300);
    doc.transact(() => {
      for (let i = 0; i < 20; i++) {
        const notes = sectionNotes(section(doc, int(TOPICS.length)))!;
        if (notes.length > 200 && random() < 0.3) notes.delete(int(notes.length - 50), 1 + int(40));
        else notes.insert(int(notes.length + 1), 'pidfd_open() lands in 5.3; '.slice(0, 5 + int(25)));
      }
      if (round % 10 === 0) addActionItem(section(doc, int(TOPICS.length)), { id: `r${round}`, text: 'follow up', createdBy: 'Bench', createdAt: new Date().toISOString() });
    });
    if (round % 200 === 0) {
      size = Y.encodeStateAsUpdate(doc).length;
      if (round % 2000 === 0) log(`  building: ${(size / 1024).toFixed(0)} KiB`);
    }
  }
  doc.clientID = 999;
  return doc;
}

type Kind = 'keystroke' | 'new action item' | 'action text edit' | 'resync step 2';

/** An update of `kind` made by `client` (a replica of the server's doc that got every earlier
 *  update back, as a connected client has): what its provider sends. Live edits go out as the
 *  transaction's own update (small delete set); a resync's step 2 carries the whole delete set. */
function makeUpdate(client: Y.Doc, kind: Kind, n: number): Uint8Array {
  const before = Y.encodeStateVector(client);
  const target = section(client, n % TOPICS.length);
  let update: Uint8Array | null = null;
  const record = (u: Uint8Array): void => void (update = u);
  client.once('update', record);
  switch (kind) {
    case 'keystroke': {
      const notes = sectionNotes(target)!;
      notes.insert(int(notes.length + 1), 'x');
      break;
    }
    case 'new action item':
      addActionItem(target, { id: `bench${n}`, text: 'send v2', createdBy: 'Bench', createdAt: new Date().toISOString() });
      break;
    case 'action text edit': {
      const all = topicSections(client).toArray().flatMap((s) => (sectionActions(s as SectionMap)?.toArray() ?? []) as Y.Map<unknown>[]);
      all[n % all.length]!.set('text', `edited ${n}`);
      break;
    }
    case 'resync step 2': {
      client.off('update', record);
      const notes = sectionNotes(target)!;
      for (let i = 0; i < 10; i++) notes.insert(int(notes.length + 1), 'offline ');
      return Y.encodeStateAsUpdate(client, before);
    }
  }
  client.off('update', record);
  return update!;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  for (const target of TARGETS) {
    const started = performance.now();
    const doc = grownDoc(target);
    const bytes = Y.encodeStateAsUpdate(doc).length;
    log(`doc of ${(bytes / 1024).toFixed(0)} KiB built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    for (const kind of ['keystroke', 'new action item', 'action text edit', 'resync step 2'] as Kind[]) {
      // New action items stay few, as in a real session (the id check reads every item).
      const samples = kind === 'new action item' ? Math.min(SAMPLES, 200) : kind === 'resync step 2' ? Math.min(SAMPLES, 500) : SAMPLES;
      const client = new Y.Doc();
      Y.applyUpdate(client, Y.encodeStateAsUpdate(doc));
      const guard: number[] = [];
      const apply: number[] = [];
      for (let n = 0; n < samples; n++) {
        const update = makeUpdate(client, kind, n);
        // As the server does: decode, guard, apply (the doc grows by the samples; that is negligible).
        const decoded = Y.decodeUpdate(update);
        let t = performance.now();
        const refusal = notesSchemaGuard(doc, decoded);
        guard.push((performance.now() - t) * 1000);
        if (refusal) throw new Error(`${kind} refused: ${refusal.message}`);
        t = performance.now();
        Y.applyUpdate(doc, update);
        apply.push((performance.now() - t) * 1000);
        if (n % 500 === 0) log(`  ${kind}: ${n}/${samples}`);
      }
      guard.sort((a, b) => a - b);
      apply.sort((a, b) => a - b);
      const row = {
        docKiB: Math.round(bytes / 1024),
        kind,
        samples,
        guardP50us: +percentile(guard, 50).toFixed(1),
        guardP99us: +percentile(guard, 99).toFixed(1),
        applyP50us: +percentile(apply, 50).toFixed(1),
        applyP99us: +percentile(apply, 99).toFixed(1),
      };
      rows.push(row);
      console.log(`${String(row.docKiB).padStart(6)} KiB  ${kind.padEnd(17)}  guard p50 ${row.guardP50us} µs, p99 ${row.guardP99us} µs   (applying it: p50 ${row.applyP50us} µs, p99 ${row.applyP99us} µs)`);
    }
  }
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `guard-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(rows, null, 2));
  log(`results in ${path.relative(PROJECT_ROOT, file)}`);
}

await main();
