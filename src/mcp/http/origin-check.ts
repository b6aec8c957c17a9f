import type { MiddlewareHandler } from 'hono';
import { jsonRpcError } from './json-rpc-error.js';

/**
 * TR-5: a browser request whose Origin is neither on the CORS allowlist nor this server's own origin is refused
 * with 403 (DNS rebinding, cross-site requests). Requests without Origin (non-browser clients) pass.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#security-warning
 */
export function originCheck(opts: { allowlist: readonly string[]; publicUrl: string }): MiddlewareHandler {
  const ownOrigin = new URL(opts.publicUrl).origin;
  const allowAny = opts.allowlist.includes('*');
  return async (c, next) => {
    const origin = c.req.header('origin');
    // Same-origin means the configured public origin, never one derived from the Host header: under DNS
    // rebinding the attacker's Origin and Host agree with each other.
    if (origin === undefined || allowAny || opts.allowlist.includes(origin) || origin === ownOrigin) return next();
    return jsonRpcError(403, -32000, `Forbidden: Origin ${origin} is not allowed`);
  };
}
