/**
 * Prometheus metrics (prom-client) for GET /metrics: connections, loaded docs, doc updates in and
 * messages/bytes out, store write latency, broadcast coalescing, and prom-client's process
 * defaults (CPU, RSS, heap, event-loop lag). One registry per app, so tests can build many apps.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DocMetrics } from './docs/doc-metrics.ts';

export interface LiveCounts {
  connections(): number;
  docsLoaded(): number;
}

export interface Metrics {
  registry: Registry;
  docs: DocMetrics;
  /** Text exposition format and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(counts: LiveCounts): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  new Gauge({
    name: 'mcpad_connections',
    help: 'WebSocket connections attached to a loaded doc',
    registers: [registry],
    collect() {
      this.set(counts.connections());
    },
  });
  new Gauge({
    name: 'mcpad_docs_loaded',
    help: 'Session docs in memory',
    registers: [registry],
    collect() {
      this.set(counts.docsLoaded());
    },
  });
  const updatesIn = new Counter({ name: 'mcpad_updates_in_total', help: 'Update messages from clients applied (those of one event-loop turn are appended to the log as one)', registers: [registry] });
  const updateBytesIn = new Counter({ name: 'mcpad_update_bytes_in_total', help: 'Bytes of doc updates applied', registers: [registry] });
  const updatesRefused = new Counter({
    name: 'mcpad_updates_refused_total',
    help: 'Client updates refused by the doc schema guard (the sender was closed with 4400), by rule',
    labelNames: ['rule'],
    registers: [registry],
  });
  const awarenessIn = new Counter({ name: 'mcpad_awareness_in_total', help: 'Awareness changes received', registers: [registry] });
  const messagesOut = new Counter({ name: 'mcpad_messages_out_total', help: 'Messages handed to sockets', labelNames: ['kind'], registers: [registry] });
  const bytesOut = new Counter({ name: 'mcpad_bytes_out_total', help: 'Bytes handed to sockets', labelNames: ['kind'], registers: [registry] });
  const storeWrite = new Histogram({
    name: 'mcpad_store_write_seconds',
    help: 'Duration of one synchronous append to a doc log',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const flushes = new Counter({ name: 'mcpad_broadcast_flushes_total', help: 'Broadcast flushes (one message per kind per peer)', registers: [registry] });
  const coalescedUpdates = new Counter({ name: 'mcpad_broadcast_updates_total', help: 'Logged updates relayed by broadcast flushes (one may hold several client messages)', registers: [registry] });
  const outKinds = { update: messagesOut.labels('update'), awareness: messagesOut.labels('awareness'), sync: messagesOut.labels('sync') };
  const outBytes = { update: bytesOut.labels('update'), awareness: bytesOut.labels('awareness'), sync: bytesOut.labels('sync') };
  const docs: DocMetrics = {
    updateApplied(bytes, frames) {
      updatesIn.inc(frames);
      updateBytesIn.inc(bytes);
    },
    storeWrite(seconds) {
      storeWrite.observe(seconds);
    },
    updateRefused(rule) {
      updatesRefused.inc({ rule });
    },
    awarenessApplied() {
      awarenessIn.inc();
    },
    sent(kind, messages, bytes) {
      if (messages === 0) return;
      outKinds[kind].inc(messages);
      outBytes[kind].inc(messages * bytes);
    },
    flushed(updates) {
      flushes.inc();
      coalescedUpdates.inc(updates);
    },
  };
  return {
    registry,
    docs,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
