/**
 * A synchronous copy of the local changes the server has not confirmed, in localStorage (one key
 * per change). y-indexeddb writes asynchronously, so the last keystrokes before a reload or a
 * closed tab may never reach IndexedDB; a localStorage write is done when `setItem` returns. The
 * next page load applies whatever is left (Yjs updates are idempotent) and counts it as unsaved.
 * Keys: `mcpad:journal:<sessionId>:<pageId>:<seq>`; the page id keeps two open tabs apart.
 */

export interface KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export class ChangeJournal {
  private readonly prefix: string;
  private readonly pagePrefix: string;
  /** Sequence numbers this page has stored and not yet removed. */
  private readonly stored = new Set<number>();

  constructor(private readonly storage: KeyValueStorage, sessionId: string, pageId: string) {
    this.prefix = `mcpad:journal:${sessionId}:`;
    this.pagePrefix = `${this.prefix}${pageId}:`;
  }

  /**
   * Removes the entries left by earlier pages of this session (or other tabs) and returns their
   * updates, oldest first per page. The caller applies them and records them again as its own.
   */
  takeOver(): Uint8Array[] {
    const entries: { key: string; page: string; seq: number }[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (!key?.startsWith(this.prefix)) continue;
      const [page = '', seq = ''] = key.slice(this.prefix.length).split(':');
      entries.push({ key, page, seq: Number(seq) });
    }
    entries.sort((a, b) => a.page.localeCompare(b.page) || a.seq - b.seq);
    const updates: Uint8Array[] = [];
    for (const entry of entries) {
      const value = this.storage.getItem(entry.key);
      this.storage.removeItem(entry.key);
      if (!value) continue;
      try {
        updates.push(fromBase64(value));
      } catch {
        // A damaged entry is dropped; IndexedDB most likely has the change anyway.
      }
    }
    return updates;
  }

  /** Stores change number `seq`. Returns false when storage refused it (quota). */
  record(seq: number, update: Uint8Array): boolean {
    try {
      this.storage.setItem(`${this.pagePrefix}${seq}`, toBase64(update));
      this.stored.add(seq);
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets every change up to `seq`: the server has it. */
  confirmUpTo(seq: number): void {
    for (const stored of this.stored) {
      if (stored <= seq) {
        this.storage.removeItem(`${this.pagePrefix}${stored}`);
        this.stored.delete(stored);
      }
    }
  }
}
