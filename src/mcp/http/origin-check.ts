import type { MiddlewareHandler } from 'hono';
import { jsonRpcError } from './json-rpc-error.js';

/**
 * TR-5: whether a request with this Origin may go on: one on the CORS allowlist, this server's own origin, or
 * none at all (non-browser clients). Same-origin means the configured public origin, never one derived from the
 * Host header: under DNS rebinding the attacker's Origin and Host agree with each other.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#security-warning
 */
export function originAllowed(opts: { allowlist: readonly string[]; publicUrl: string }): (origin: string | undefined) => boolean {
  const ownOrigin = new URL(opts.publicUrl).origin;
  const allowAny = opts.allowlist.includes('*');
  return (origin) => origin === undefined || allowAny || opts.allowlist.includes(origin) || origin === ownOrigin;
}

/** What a refused Origin is told (TR-5), as a JSON-RPC error -32000 with 403, by the middleware and the routes node:http answers directly. */
export const originRefusal = (origin: string): string => `Forbidden: Origin ${origin} is not allowed`;

/** TR-5: a browser request whose Origin is not allowed (originAllowed) is refused with 403. */
export function originCheck(opts: { allowlist: readonly string[]; publicUrl: string }): MiddlewareHandler {
  const allowed = originAllowed(opts);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (allowed(origin)) return next();
    return jsonRpcError(403, -32000, originRefusal(origin!));
  };
}
