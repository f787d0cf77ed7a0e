/** Small JSON API calls for integration and browser tests: links by role, action items, imports. */
import { TEST_ADMIN_TOKEN, type TestServer } from './server.ts';

export async function api<T = any>(s: TestServer, method: string, path: string, body?: unknown, token: string = TEST_ADMIN_TOKEN): Promise<{ status: number; json: T }> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as T };
}

/** A session link (`/s/...?token=...`) for `role`, created with the admin token. */
export async function sessionLink(s: TestServer, sessionId: string, role: 'lead' | 'participant' | 'viewer'): Promise<string> {
  const created = await api<{ link: string }>(s, 'POST', `/api/sessions/${sessionId}/tokens`, { role });
  if (created.status !== 201) throw new Error(`link not created: ${created.status} ${JSON.stringify(created.json)}`);
  return created.json.link;
}

/** Captures an action item through the API; returns its id. */
export async function addItem(s: TestServer, sessionId: string, topicId: string, text: string): Promise<string> {
  const created = await api<{ id: string }>(s, 'POST', `/api/sessions/${sessionId}/action-items`, { topicId, text, createdBy: 'Test' });
  if (created.status !== 201) throw new Error(`item not created: ${created.status} ${JSON.stringify(created.json)}`);
  return created.json.id;
}
