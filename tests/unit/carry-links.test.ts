/** Issue #17: carry-over links in the state doc (written once, read tolerantly) and a predecessor's decisions read through the doc-schema readers. */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { readDecisions, topicKey } from '../../server/sessions/carry-over-service.ts';
import { addDecision, decisionItemMaps, findSection } from '../../shared/doc-schema.ts';
import { applyAssignment, followupsMap, readFollowups, setCarryLink } from '../../shared/followups.ts';
import { buildTemplateUpdate } from '../../shared/topic-template.ts';

const TO = { eventId: 'lpc2020', sessionId: 'cr-2020', actionId: 'n1' };

describe('carry links in the state doc', () => {
  it('records carriedTo once, keeps the assignment, and can be undone', () => {
    const doc = new Y.Doc();
    applyAssignment(doc, 'a1', 't1', { assignee: { name: 'Demo person' }, status: 'in-progress' }, 'x', '2020-01-01T00:00:00Z');
    expect(setCarryLink(doc, 'a1', 't1', 'carriedTo', TO)).toBe(true);
    expect(setCarryLink(doc, 'a1', 't1', 'carriedTo', { ...TO, actionId: 'n2' })).toBe(false);
    const entry = readFollowups(doc).get('a1')!;
    expect(entry.carriedTo).toEqual(TO);
    expect(entry.assignee).toEqual({ name: 'Demo person' });
    expect(entry.status).toBe('in-progress');
    expect(setCarryLink(doc, 'a1', 't1', 'carriedTo', null)).toBe(true);
    expect(readFollowups(doc).get('a1')!.carriedTo).toBeUndefined();
  });

  it('creates the entry of an item that had none, and reads malformed links as absent', () => {
    const doc = new Y.Doc();
    setCarryLink(doc, 'b1', 't2', 'carriedFrom', TO);
    expect(readFollowups(doc).get('b1')).toMatchObject({ topicId: 't2', status: 'open', assignee: null, carriedFrom: TO });
    const entry = followupsMap(doc).get('b1')!;
    for (const bad of ['lpc2020/cr-2020', 42, null, { eventId: 'x' }, { eventId: 1, sessionId: 2, actionId: 3 }]) {
      entry.set('carriedTo', bad);
      expect(readFollowups(doc).get('b1')!.carriedTo, JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('decisions of a predecessor', () => {
  it('reads each topic\'s decisions, with whether a lead agreed, and skips what is not a decision', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildTemplateUpdate([{ id: 'shiftfs', title: 'shiftfs' }, { id: 'criu', title: 'CRIU' }]));
    const shiftfs = findSection(doc, 'shiftfs')!;
    const at = '2019-09-10T10:00:00.000Z';
    addDecision(shiftfs, { id: 'd1', text: 'Move to the new mount API', createdBy: 'Ada', createdAt: at });
    addDecision(shiftfs, { id: 'd2', text: 'Revisit next year', createdBy: 'Ada', createdAt: at });
    addDecision(shiftfs, { id: 'd3', text: '', createdBy: 'Ada', createdAt: at });
    decisionItemMaps(shiftfs)[0]!.set('agreedBy', 'Lead (lead)');
    decisionItemMaps(shiftfs)[0]!.set('agreedAt', at);
    (shiftfs.get('decisions') as Y.Array<unknown>).push([42]);
    findSection(doc, 'criu')!.set('decisions', 'not a list');
    expect(readDecisions(doc)).toEqual([
      { topicId: 'shiftfs', topicTitle: 'shiftfs', text: 'Move to the new mount API', agreed: true },
      { topicId: 'shiftfs', topicTitle: 'shiftfs', text: 'Revisit next year', agreed: false },
    ]);
  });

  it('matches topic titles case- and space-insensitively', () => {
    expect(topicKey('  Time   Namespaces ')).toBe(topicKey('time namespaces'));
    expect(topicKey('shiftfs')).not.toBe(topicKey('shift fs'));
  });
});
