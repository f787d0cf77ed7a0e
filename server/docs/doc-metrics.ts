/**
 * What the live docs report for monitoring (GET /metrics). The service layer only sees this
 * interface; server/metrics.ts implements it with prom-client, tests may leave it out.
 */
export interface DocMetrics {
  /** A doc update was applied and appended to its log (`bytes`: its Yjs encoding), made of
   *  `frames` update messages from clients received in one event-loop turn. */
  updateApplied(bytes: number, frames: number): void;
  /** One append to a doc's log took `seconds` (a synchronous write(2)). */
  storeWrite(seconds: number): void;
  /** A client update was refused by the doc's schema guard under `rule`. */
  updateRefused(rule: string): void;
  /** An awareness change (one or more clients) was received. */
  awarenessApplied(): void;
  /** `messages` copies of one encoded message of `bytes` bytes were handed to sockets. */
  sent(kind: 'update' | 'awareness' | 'sync', messages: number, bytes: number): void;
  /** One broadcast flush coalesced `updates` doc updates and `awarenessClients` presence changes. */
  flushed(updates: number, awarenessClients: number): void;
}

export const NO_DOC_METRICS: DocMetrics = Object.freeze({
  updateApplied() {},
  storeWrite() {},
  updateRefused() {},
  awarenessApplied() {},
  sent() {},
  flushed() {},
});
