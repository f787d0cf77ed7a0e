/** Service tier: the time of the last notes change (server/sessions/notes-activity.ts), with real
 *  doc services over memory stores and a manual clock (no sleeping). */
import { describe, expect, it } from 'vitest';
import { DocService } from '../../server/docs/doc-service.ts';
import { notesTemplate, stateTemplate } from '../../server/sessions/doc-templates.ts';
import { NotesActivity } from '../../server/sessions/notes-activity.ts';
import { createMemoryDocStore } from '../../server/storage/memory-doc-store.ts';
import { findSection, sectionNotes } from '../../shared/doc-schema.ts';
import { readNotesEditedAt, recordNotesEdited } from '../../shared/notes-activity.ts';
import * as Y from 'yjs';
import { ManualClock } from '../helpers/manual-clock.ts';
import { waitFor } from '../helpers/wait-for.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const FLUSH_MS = 1_000;

function setup() {
  const clock = new ManualClock();
  const options = { compactLogBytes: 1 << 20, docIdleUnloadMs: 60_000, maxQueuedFrames: 256, log: silent };
  const state = new DocService(createMemoryDocStore(), stateTemplate((id) => id === 'mc'), options);
  let stateEdits = 0;
  const countingState = new Proxy(state, {
    get(target, name) {
      if (name === 'edit') return (...args: Parameters<DocService['edit']>) => (stateEdits++, target.edit(...args));
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const activity = new NotesActivity(countingState, { flushMs: FLUSH_MS, log: silent, clock });
  const notes = new DocService(createMemoryDocStore(), notesTemplate((id) => (id === 'mc' ? [{ id: 't', title: 'T' }] : undefined)), { ...options, onLoaded: (live) => activity.watch(live) });
  const type = (text: string) => notes.edit('mc', (live) => sectionNotes(findSection(live.doc, 't')!)!.insert(0, text));
  const recorded = () => state.withDoc('mc', (live) => readNotesEditedAt(live.doc));
  return { clock, activity, notes, type, recorded, edits: () => stateEdits };
}

describe('NotesActivity', () => {
  it('writes the time of the last of many edits once per flush period', async () => {
    const { clock, type, recorded, edits } = setup();
    await type('a');
    const first = clock.now();
    for (let i = 0; i < 50; i++) {
      clock.advance(10);
      await type('b');
    }
    const last = clock.now();
    expect(last).toBeGreaterThan(first);
    expect(edits()).toBe(0);
    clock.advance(FLUSH_MS);
    await waitFor(async () => (await recorded()) === last, 'the last edit time');
    expect(edits()).toBe(1);
    // No change, no write.
    clock.advance(10 * FLUSH_MS);
    expect(edits()).toBe(1);
  });

  it('writes what is pending when the notes doc unloads and on close', async () => {
    const { clock, activity, type, recorded } = setup();
    await type('x');
    const at = clock.now();
    activity.unwatch('mc');
    await waitFor(async () => (await recorded()) === at, 'the time on unload');
    const again = setup();
    await again.type('y');
    await again.activity.close();
    expect(await again.recorded()).toBe(again.clock.now());
  });

  it('never goes back, and reads a missing or malformed value as none', () => {
    const doc = new Y.Doc();
    expect(readNotesEditedAt(doc)).toBeUndefined();
    expect(recordNotesEdited(doc, 2_000)).toBe(true);
    expect(recordNotesEdited(doc, 1_000)).toBe(false);
    expect(readNotesEditedAt(doc)).toBe(2_000);
    for (const bad of ['2020', -1, Number.NaN, null, { at: 1 }]) {
      doc.getMap('activity').set('notesEditedAt', bad);
      expect(readNotesEditedAt(doc), String(bad)).toBeUndefined();
    }
  });
});
