/** Service tier: DocService.edit, the one way the server edits a doc or fails with STORAGE_UNAVAILABLE. */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { DocService } from '../../server/docs/doc-service.ts';
import { notesTemplate } from '../../server/sessions/doc-templates.ts';
import { createMemoryDocStore } from '../../server/storage/memory-doc-store.ts';
import { findSection, sectionNotes } from '../../shared/doc-schema.ts';
import { AppError } from '../../shared/errors.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

function service() {
  const store = createMemoryDocStore();
  const template = notesTemplate((id: string) => (id === 'mc' ? [{ id: 't', title: 'T' }] : undefined));
  const docs = new DocService(store, template, { compactLogBytes: 1 << 20, docIdleUnloadMs: 10, maxQueuedFrames: 16, log: silent });
  return { store, docs };
}

const typeNotes = (text: string) => (live: { doc: Y.Doc }) => sectionNotes(findSection(live.doc, 't')!)!.insert(0, text);

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
}

describe('DocService.edit', () => {
  it('applies the change as a stored edit and returns its result', async () => {
    const { docs } = service();
    expect(await docs.edit('mc', (live) => (typeNotes('hello')(live), 'done'), { durable: true })).toBe('done');
    expect(await docs.withDoc('mc', (live) => sectionNotes(findSection(live.doc, 't')!)!.toString())).toBe('hello');
    await docs.shutdown();
  });

  it('fails with STORAGE_UNAVAILABLE when the change cannot be stored, and refuses further edits', async () => {
    const { store, docs } = service();
    await docs.edit('mc', typeNotes('kept'));
    store.failWrites(new Error('EIO'));
    expect(await codeOf(docs.edit('mc', typeNotes('lost? no: kept in memory ')))).toBe('STORAGE_UNAVAILABLE');
    let ran = false;
    expect(await codeOf(docs.edit('mc', () => (ran = true)))).toBe('STORAGE_UNAVAILABLE');
    expect(ran).toBe(false);
    store.failWrites(null);
  });

  it('passes the change\'s own errors through', async () => {
    const { docs } = service();
    const refusal = docs.edit('mc', () => {
      throw new AppError('NOT_FOUND', 'no such topic');
    });
    expect(await codeOf(refusal)).toBe('NOT_FOUND');
    await docs.shutdown();
  });
});
