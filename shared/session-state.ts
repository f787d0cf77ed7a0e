/**
 * The session state doc: a second Yjs doc per session that only the server writes (through the
 * lead API and its own bookkeeping) and every WebSocket peer syncs read-only, so nothing in it can
 * be changed by a crafted update. Room: `<sessionId>/state`, i.e.
 * `ws://HOST:PORT/collab/<sessionId>/state`.
 *
 *   doc.getMap('followups')   lead-owned fields of action items (see followups.ts)
 *   doc.getMap('discussion')  the "now discussing" pointer and real topic times (discussion.ts)
 *   doc.getMap('authors')     client id → name announced in presence (authorship.ts)
 *   doc.getMap('activity')    when the notes last changed (notes-activity.ts)
 */
export const STATE_ROOM_SUFFIX = '/state';
