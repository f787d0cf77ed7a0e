import { describe, expect, it } from 'vitest';
import { decisionCandidates, MAX_CANDIDATES, sameDecision } from '../../client/src/decisions/decision-candidates.ts';

describe('decision candidates in the notes', () => {
  it('finds "Decision:" and "Agreed:" lines, plain, as list items and in bold', () => {
    const notes = [
      'Intro line',
      'Decision: use idmapped mounts',
      '- Agreed: drop shiftfs',
      '  * **Decision:** keep binderfs',
      '1. agreed : post v3 to fsdevel',
      'We decided: nothing (not a keyword at the start)',
      'Decisions: plural is not a keyword',
      'Decision:',
    ].join('\n');
    expect(decisionCandidates(notes, [])).toEqual(['use idmapped mounts', 'drop shiftfs', 'keep binderfs', 'post v3 to fsdevel']);
  });

  it('leaves out what is recorded already (case, spacing and a final stop ignored) and repeats', () => {
    const notes = 'Decision: Use idmapped  mounts.\nAgreed: drop shiftfs\nDecision: drop shiftfs';
    expect(decisionCandidates(notes, ['use idmapped mounts'])).toEqual(['drop shiftfs']);
    expect(sameDecision('A b.', 'a  B')).toBe(true);
  });

  it('offers at most a few per topic', () => {
    const notes = Array.from({ length: 20 }, (_, i) => `Decision: number ${i}`).join('\n');
    expect(decisionCandidates(notes, [])).toHaveLength(MAX_CANDIDATES);
  });
});
