/** What the history page's views share: the session's API, the error line, the panel, and labels. */
import type { CheckpointInfo } from '../../../../shared/api.ts';
import type { ApiAnswer } from '../../api.ts';

/** Calls the session's API (`/api/sessions/:id` + path) with the page's link token. */
export type HistoryCall = <T>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

export interface HistoryContext {
  call: HistoryCall;
  /** The page's error line; emptied by the next call that succeeds. */
  message: HTMLElement;
  /** Where one checkpoint or a comparison is shown. */
  panel: HTMLElement;
  /** Participants and leads may take checkpoints and restore topics. */
  mayEdit: boolean;
}

export const REASONS: Record<CheckpointInfo['reason'], string> = { auto: 'automatic', idle: 'everyone left', manual: 'taken on demand', final: 'finalised' };
/** A finalised version's label: `-01`, `-02`, … */
export const versionLabel = (version: number): string => `-${String(version).padStart(2, '0')}`;
export const when = (iso: string): string => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
