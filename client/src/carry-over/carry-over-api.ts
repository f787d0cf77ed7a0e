/** The carry-over calls of a session page (issue #17): the predecessor's open items, and carrying one over. */
import type { ApiFollowup, CarryOverResponse } from '../../../shared/api.ts';
import { apiCall, type ApiAnswer } from '../api.ts';

export interface CarryOverApi {
  load(): Promise<ApiAnswer<CarryOverResponse>>;
  carry(actionId: string): Promise<ApiAnswer<ApiFollowup>>;
}

export function carryOverApi(sessionId: string, token: string | undefined, by: () => string): CarryOverApi {
  const path = `/api/sessions/${encodeURIComponent(sessionId)}/carry-over`;
  return {
    load: () => apiCall<CarryOverResponse>('GET', path, { token }),
    carry: (actionId) => apiCall<ApiFollowup>('POST', path, { token, body: { actionId, by: by() } }),
  };
}

/** What to announce after a carry attempt. */
export function carryOutcome(answer: ApiAnswer<ApiFollowup>): string {
  if (answer.ok) return `Carried over to “${answer.value.topicTitle}”.`;
  if (answer.code === 'ALREADY_CARRIED') return 'Already carried over.';
  return `Could not carry it over: ${answer.message}`;
}
