import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, destroyAllClients } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SESSION = 'containers-cr';
let server: TestServer | null = null;

afterEach(async () => {
  destroyAllClients();
  await server?.close();
  server = null;
});

/** Parses the Prometheus text format strictly enough to catch a malformed exposition. */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes "Nan").
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|nan|[+-]?inf)$/i.exec(line);
    if (!match) throw new Error(`malformed metrics line: ${JSON.stringify(line)}`);
    values.set(match[1]!, Number(match[2]));
  }
  return values;
}

async function scrape(s: TestServer): Promise<Map<string, number>> {
  const response = await s.app.fastify.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(response.body);
}

describe('GET /metrics', () => {
  it('is Prometheus text with connections, docs, updates, bytes, write latency and event-loop lag that move', async () => {
    server = await startServer();
    const before = await scrape(server);
    expect(before.get('mcpad_connections')).toBe(0);
    expect(before.get('mcpad_docs_loaded')).toBe(0);
    expect(before.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    expect(before.get('mcpad_store_write_seconds_count')).toBe(0);

    const a = connectClient(server.collabUrl, SESSION, { name: 'a' });
    const b = connectClient(server.collabUrl, SESSION, { name: 'b' });
    await Promise.all([a.synced(), b.synced()]);
    const topic = server.app.meta.getSession(SESSION).topics[0]!.id;
    for (let i = 0; i < 5; i++) a.notes(topic).insert(0, `edit ${i} `);
    await waitFor(() => b.notes(topic).toString() === a.notes(topic).toString(), 'b to get the edits');

    const after = await scrape(server!);
    expect(after.get('mcpad_connections')).toBe(2);
    expect(after.get('mcpad_docs_loaded')).toBe(1);
    expect(after.get('mcpad_updates_in_total')).toBeGreaterThanOrEqual(5);
    expect(after.get('mcpad_update_bytes_in_total')).toBeGreaterThan(0);
    expect(after.get('mcpad_store_write_seconds_count')).toBe(after.get('mcpad_updates_in_total'));
    expect(after.get('mcpad_messages_out_total{kind="update"}')).toBeGreaterThanOrEqual(1);
    expect(after.get('mcpad_bytes_out_total{kind="update"}')).toBeGreaterThan(0);
    expect(after.get('mcpad_messages_out_total{kind="awareness"}')).toBeGreaterThanOrEqual(1);
    expect(after.get('mcpad_awareness_in_total')).toBeGreaterThanOrEqual(2);
    expect(after.get('mcpad_broadcast_updates_total')).toBe(after.get('mcpad_updates_in_total'));
  });
});
