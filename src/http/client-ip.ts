import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isTrustedProxy } from './trusted-proxies.js';

/**
 * The client's address: the socket's peer, or, only when that peer is a configured trusted proxy, the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy (interop note 11).
 */
export function clientIp(c: Context, trustedProxies: readonly string[]): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process requests (app.request in tests) have no socket.
    peer = 'in-process';
  }
  return clientAddress(peer, c.req.header('x-forwarded-for'), trustedProxies);
}

/** The same, from the socket's peer address and the X-Forwarded-For header (for handlers on node:http directly). */
export function clientAddress(peer: string, forwardedFor: string | undefined, trustedProxies: readonly string[]): string {
  if (!isTrustedProxy(peer, trustedProxies)) return peer;
  const chain = (forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!isTrustedProxy(chain[i]!, trustedProxies)) return chain[i]!;
  }
  return peer;
}

/** The same, for a node:http request (the direct routes, http/direct-route.ts). */
export function nodeClientIp(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const forwarded = req.headers['x-forwarded-for']; // node joins repeated X-Forwarded-For lines with ", "
  return clientAddress(req.socket.remoteAddress ?? 'unknown', Array.isArray(forwarded) ? forwarded.join(', ') : forwarded, trustedProxies);
}
