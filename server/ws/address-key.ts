/**
 * The key MAX_CONNECTIONS_PER_IP counts under (issue #13): an IPv4 address as it is, an IPv6
 * address by its /64 (one home or host gets a whole /64, so counting single IPv6 addresses would
 * give one client 2^64 of them), an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack
 * socket reports for IPv4 clients) as the IPv4 address. The same function the HTTP write rate
 * limit (@fastify/rate-limit) keys on by default, so both edges count one address alike.
 */
import { normalizeIP } from '@fastify/rate-limit';

const IPV6_PREFIX_BITS = 64;

/** `address` (as Fastify reports `request.ip`) → the key it counts under. */
export function addressKey(address: string): string {
  return normalizeIP(address, IPV6_PREFIX_BITS);
}
