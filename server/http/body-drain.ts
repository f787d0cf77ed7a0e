/**
 * A refusal the client can read (issue #13). When the server answers before the request body has
 * arrived (413 for an over-large body, 401, 429...), a client that sends the body whole without
 * `Expect: 100-continue` (Node's http.request, curl --data-binary) is still writing; closing the
 * socket then resets the connection, the client sees EPIPE/ECONNRESET and never the answer. So the
 * rest of the body is read and discarded first, up to HTTP_DRAIN_MAX_BYTES; past that the answer
 * goes out with `Connection: close` and the socket is cut. A slow body is still cut by
 * HTTP_REQUEST_TIMEOUT_MS.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Reads and discards the rest of `raw`'s body; resolves true once it ended, false past `maxBytes` or on close. */
export function drainBody(raw: IncomingMessage, maxBytes: number): Promise<boolean> {
  return new Promise((resolve) => {
    let read = 0;
    const done = (ended: boolean): void => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      raw.off('error', onClose);
      resolve(ended);
    };
    const onData = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > maxBytes) done(false);
    };
    const onEnd = (): void => done(true);
    const onClose = (): void => done(raw.complete);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('close', onClose);
    raw.once('error', onClose);
    raw.resume();
  });
}

/** An onSend hook: an error answer waits until the body it did not read has arrived (see above). */
export function drainBeforeRefusing(maxBytes: number) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const raw = request.raw;
    if (reply.statusCode < 400 || raw.complete || request.headers.upgrade || raw.readableEnded) return payload;
    if (!(await drainBody(raw, maxBytes))) {
      reply.header('connection', 'close');
      // Node would keep reading a body it has not seen the end of; nothing more of it is wanted.
      reply.raw.once('finish', () => raw.socket.destroy());
    }
    return payload;
  };
}
