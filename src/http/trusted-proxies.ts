import { BlockList, isIP } from 'node:net';

/**
 * Whether `address` is one of the trusted proxies: an exact address, or inside one of the CIDR blocks.
 * Exact entries are compared first, without building anything (the common case, on every request).
 */
export function isTrustedProxy(address: string, trustedProxies: readonly string[]): boolean {
  if (trustedProxies.includes(address)) return true;
  const family = isIP(address);
  if (family === 0) return false;
  for (const entry of trustedProxies) {
    const slash = entry.indexOf('/');
    if (slash === -1) continue;
    const net = entry.slice(0, slash);
    const netFamily = isIP(net) === 4 ? 'ipv4' : 'ipv6';
    const blocks = new BlockList();
    blocks.addSubnet(net, Number(entry.slice(slash + 1)), netFamily);
    if (blocks.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true;
  }
  return false;
}
