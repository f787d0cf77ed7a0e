/**
 * Whose X-Forwarded-For to believe (issue #13). Anyone can send the header, so it names the client
 * only when the direct peer is a configured proxy: TRUSTED_PROXIES (addresses or CIDRs), or
 * loopback when only TRUST_PROXY_HOPS is set (a proxy on the same host). TRUST_PROXY_HOPS, when
 * set, also caps how many trusted proxies in a row are walked. `request.ip` then follows this rule
 * everywhere: the HTTP write rate limit and the WebSocket per-address count.
 */
import proxyAddr from '@fastify/proxy-addr';

export type TrustProxy = false | ((address: string, hop: number) => boolean);

/** Fastify's `trustProxy` option for this configuration. */
export function trustProxyOf(config: { trustedProxies: readonly string[]; trustProxyHops: number }): TrustProxy {
  const { trustedProxies, trustProxyHops } = config;
  if (trustedProxies.length === 0 && trustProxyHops === 0) return false;
  const trusted = proxyAddr.compile(trustedProxies.length > 0 ? [...trustedProxies] : ['loopback']);
  return (address, hop) => (trustProxyHops === 0 || hop < trustProxyHops) && trusted(address, hop);
}
