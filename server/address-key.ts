/**
 * The key per-address limits count under (issue #13): an IPv4 address as it is, an IPv6 address
 * by its /64 (one host or home gets a whole /64, so counting single IPv6 addresses would give one
 * client 2^64 of them), and an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack
 * socket reports for IPv4 clients) as the IPv4 address. Used by the WebSocket edge
 * (MAX_CONNECTIONS_PER_IP) and the HTTP write rate limit.
 */
import ipaddr from 'ipaddr.js';

/** `address` (as Node reports it) → the key it counts under. Unparsable input is its own key. */
export function addressKey(address: string): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return address;
  }
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const parts = v6.parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toString()}/64`;
}
