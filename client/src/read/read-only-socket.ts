/**
 * The WebSocket of a read-only view: frames that carry document content are never sent. The stock
 * y-websocket provider answers the server's sync step 1 with a step 2 of its own doc, and that
 * holds the doc's delete set whenever the doc has seen a deletion (a reconnect, the state doc's
 * overwritten fields): not an edit, but the server counts any non-empty step 2 from a read-only
 * peer as one and answers "permission denied". Dropping them keeps the views' promise: they send
 * the handshake, presence-free awareness and resync requests, and nothing else.
 */
import { carriesEdit } from '../../../shared/wire.ts';

export class ReadOnlyWebSocket extends WebSocket {
  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (data instanceof Uint8Array && carriesEdit(data)) return;
    super.send(data);
  }
}
