/**
 * Host header check against DNS rebinding (issue #13): a page on attacker.example whose name is
 * re-pointed at this server's address would otherwise be same-origin with it, and read and write
 * the notes with the visitor's network position. A rebinding needs a DNS name in `Host`, so IP
 * literals are always accepted: a room that opens http://192.168.1.20:8080 works without setup.
 * Names are accepted when they are this server's own (localhost, HOST, the machine's host name and
 * its `.local` mDNS name) or listed in ALLOWED_HOSTS (`*`: any).
 */
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';

/** The host names a server answers to by default, besides IP literals. */
export function defaultHostNames(listenHost: string, machineName: string): string[] {
  const machine = machineName.toLowerCase();
  const names = ['localhost', machine, `${machine.split('.')[0]}.local`];
  if (!isIP(listenHost)) names.push(listenHost.toLowerCase());
  return [...new Set(names)];
}

/** The name part of a Host header (`[::1]:8080` → `::1`), lower-case, without a trailing dot; null when malformed. */
export function hostNameOf(header: string): string | null {
  try {
    const name = new URL(`http://${header}`).hostname.toLowerCase().replace(/\.$/, '');
    return name.startsWith('[') ? name.slice(1, -1) : name;
  } catch {
    return null;
  }
}

/** True when a request with this Host header may be served. An absent header (HTTP/1.0) names no site. */
export function isHostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (header === undefined) return true;
  if (allowed.has('*')) return true;
  const name = hostNameOf(header);
  if (name === null || name === '') return false;
  return isIP(name) !== 0 || allowed.has(name) || name.endsWith('.localhost');
}

/** An onRequest hook refusing unknown Host headers with 421 HOST_NOT_ALLOWED (HTTP and WebSocket upgrades). */
export function hostCheck(allowed: ReadonlySet<string>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isHostAllowed(request.headers.host, allowed)) return;
    // A refused upgrade's socket is not ended by the HTTP server (see frameworkErrors).
    if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket.destroy());
    throw new AppError('HOST_NOT_ALLOWED', `This server does not answer to the host "${hostNameOf(request.headers.host ?? '') ?? request.headers.host}": add it to ALLOWED_HOSTS.`);
  };
}
