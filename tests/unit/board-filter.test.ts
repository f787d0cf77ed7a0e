import { describe, expect, it } from 'vitest';
import type { Followup } from '../../shared/followups.ts';
import { boardSearch, followupsPath, groupFollowups, readBoardFilter } from '../../client/src/board/board-filter.ts';

const item = (id: string, sessionTitle: string, assignee: string | null): Followup =>
  ({ id, sessionTitle, assignee: assignee === null ? null : { name: assignee } }) as unknown as Followup;

describe('follow-ups board filter', () => {
  it('reads the filter from the query string, ignoring an unknown status', () => {
    expect(readBoardFilter('?assignee=%20Ana%20&status=done&group=session')).toEqual({ assignee: 'Ana', status: 'done', grouping: 'session' });
    expect(readBoardFilter('?status=bogus&group=whatever')).toEqual({ assignee: '', status: '', grouping: 'person' });
  });

  it('builds the API path and the page query from the filter', () => {
    const filter = { assignee: 'Ana B', status: 'open' as const, grouping: 'session' as const };
    expect(followupsPath('lpc-2019', filter)).toBe('/api/events/lpc-2019/followups?assignee=Ana+B&status=open');
    expect(followupsPath('lpc-2019', filter, 'csv')).toBe('/api/events/lpc-2019/followups?assignee=Ana+B&status=open&format=csv');
    expect(followupsPath('lpc-2019', { assignee: '', status: '', grouping: 'person' })).toBe('/api/events/lpc-2019/followups');
    expect(boardSearch(filter)).toBe('?assignee=Ana+B&status=open&group=session');
    expect(boardSearch({ assignee: '', status: '', grouping: 'person' })).toBe('');
  });

  it('groups by person with Unassigned last, or by session in arrival order', () => {
    const items = [item('1', 'S2', null), item('2', 'S1', 'Zoe'), item('3', 'S2', 'Ana'), item('4', 'S1', 'Ana')];
    expect(groupFollowups(items, 'person').map(([key, group]) => [key, group.map((i) => i.id)])).toEqual([
      ['Ana', ['3', '4']],
      ['Zoe', ['2']],
      ['Unassigned', ['1']],
    ]);
    expect(groupFollowups(items, 'session').map(([key, group]) => [key, group.map((i) => i.id)])).toEqual([
      ['S2', ['1', '3']],
      ['S1', ['2', '4']],
    ]);
  });
});
