/**
 * What each scenario returns, as written to bench/results/*.json and read by the report: one
 * result per scenario and server, or the error that stopped it.
 */
import type { ServerKind } from '../servers.ts';
import type { LostEdits, Percentiles, ProcessUsage, WindowResult } from './measure.ts';

/** Scenarios (a) and (c): one window of load, then the lost-edit check. */
export type WindowOutcome = WindowResult & LostEdits;

/** Scenario (b): one window per ramp step, until p95 passes 150 ms. */
export interface RampOutcome extends LostEdits {
  authorsAtP95Under150: number;
  stoppedBy: string;
  steps: Array<{ authors: number } & WindowResult>;
}

/** A fresh client's sync: step 1 → step 2 answer, connect → applied, and the state's size. */
export interface FreshSync {
  answerMs: number;
  syncedMs: number;
  step2Bytes: number;
}

/** Scenario (d), per history size; the cold and disk figures are mcpad's only. */
export interface HistoryEntry {
  writeS?: number;
  warmFirst?: FreshSync;
  warm?: FreshSync;
  diskBytesLog?: number;
  coldFromLog?: FreshSync;
  diskBytesSnapshot?: number;
  coldFromSnapshot?: FreshSync;
}
export type HistoryOutcome = Record<string, HistoryEntry>;

/** Scenario (e), one setup: single instance, or two sharing a Redis. */
export interface SetupOutcome extends LostEdits {
  instances: number;
  authors: number;
  lurkers: number[];
  windowS: number;
  editsSent: number;
  editsPerS: number;
  latencyMs: { sameInstance: Percentiles; crossInstance: Percentiles };
  processes: ProcessUsage[];
  machineBusyPercent: number;
  generators: WindowResult['generators'];
  generatorLimited: boolean;
  /** How long the far instance took to serve a session created on the near one (null: single). */
  sessionVisibleOnFarInstanceMs: number | null;
}
export type ClusterOutcome = { single: SetupOutcome; cluster: SetupOutcome } | { skipped: string };

export interface Failed {
  error: string;
}
export type ByServer<T> = Partial<Record<ServerKind, T | Failed>>;

export interface Results {
  a?: ByServer<WindowOutcome>;
  b?: ByServer<RampOutcome>;
  c?: ByServer<WindowOutcome>;
  d?: ByServer<HistoryOutcome>;
  e?: ByServer<ClusterOutcome>;
}

export function failed<T extends object>(result: T | Failed | undefined): result is Failed {
  return result !== undefined && 'error' in result;
}
