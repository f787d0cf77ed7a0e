/**
 * Tokens never reach a log (issue #13). Session links carry `?token=` (page links, the WebSocket
 * URL), and Fastify's logger writes `req.url`: the request serializer redacts it, and every line
 * the logger writes, at every level and from any module, is redacted once more before it leaves the
 * process (an error message or a debug line could quote a URL too).
 */
import type { FastifyServerOptions } from 'fastify';

/** Where log lines go (a pino destination); tests pass one to read what is logged. */
export interface LogDestination {
  write(line: string): void;
}

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

/** `token=` (also `access_token=`, and the Etherpad API's `apikey=`/`api_key=`, any case) up to
 *  the end of its value in a URL, text or JSON line. */
const TOKEN_VALUE = /(token=|apikey=|api_key=)[^&\s"'#\\]+/gi;

export const REDACTED = '[redacted]';

/** `text` with the value of every `token=` replaced by `[redacted]`. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_VALUE, `$1${REDACTED}`);
}

/** Fastify's request fields, with the URL redacted. */
function requestSerializer(request: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: request.method, url: redactTokens(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** Options for Fastify's pino logger at `level`, written to `stream` (stdout when absent). */
export function redactingLoggerOptions(level: string, stream?: LogDestination): LoggerOptions {
  return {
    level,
    serializers: { req: requestSerializer },
    hooks: { streamWrite: redactTokens },
    ...(stream ? { stream } : {}),
  };
}
