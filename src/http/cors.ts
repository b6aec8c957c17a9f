import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { setResponseHeader } from './response-headers.js';

type CorsOptions = NonNullable<Parameters<typeof cors>[0]>;

/**
 * Hono's cors() with its headers for simple requests set after the handler instead of before. Hono's version
 * touches the response before the handler runs, which makes Hono copy the handler's response into a full
 * web Response afterwards (about a tenth of a token request's CPU, bench/HISTORY.md). Preflights (OPTIONS) are
 * Hono's own; the headers of every other answer, errors included, are the same as Hono's.
 */
function corsAfter(opts: CorsOptions & { origin: string | ((origin: string) => string | null) }): MiddlewareHandler {
  const preflight = cors(opts);
  const headersFor = simpleCorsHeaders(opts);
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    for (const [name, value] of headersFor(c.req.header('origin'))) setResponseHeader(c, name, value, name === 'Vary');
  };
}

/**
 * The CORS headers of an answer that is not a preflight, for the request's Origin (in the order Hono's cors()
 * sets them); `Vary` is appended to any the handler set. Shared by corsAfter and the routes node:http answers
 * directly, so both send the same.
 */
function simpleCorsHeaders(opts: CorsOptions & { origin: string | ((origin: string) => string | null) }): (origin: string | undefined) => Array<[string, string]> {
  const expose = opts.exposeHeaders?.join(',');
  const allowOrigin = typeof opts.origin === 'function' ? opts.origin : () => opts.origin as string;
  return (requestOrigin) => {
    const out: Array<[string, string]> = [];
    const origin = allowOrigin(requestOrigin ?? '');
    if (origin) out.push(['Access-Control-Allow-Origin', origin]);
    if (opts.credentials) out.push(['Access-Control-Allow-Credentials', 'true']);
    if (expose) out.push(['Access-Control-Expose-Headers', expose]);
    if (opts.origin !== '*') out.push(['Vary', 'Origin']);
    return out;
  };
}

/**
 * CORS for the authorization server's machine-to-machine endpoints (metadata, JWKS, register, token, revoke):
 * any origin, never credentials, so browser-based MCP clients can complete OAuth (interop note 12). These
 * endpoints take no cookies, so a wildcard exposes nothing a non-browser client could not already do.
 */
export function publicCors(): MiddlewareHandler {
  return corsAfter({
    origin: '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version', 'DPoP'],
    exposeHeaders: PUBLIC_EXPOSE_HEADERS,
    maxAge: 600,
  });
}

// RFC 9449 §8: a browser-based client must be able to send DPoP and read DPoP-Nonce.
const PUBLIC_EXPOSE_HEADERS = ['WWW-Authenticate', 'Retry-After', 'DPoP-Nonce'];

/** What publicCors() adds to an answer that is not a preflight, for routes answered by node:http directly. */
export const PUBLIC_CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': PUBLIC_EXPOSE_HEADERS.join(','),
};

/**
 * CORS for the MCP endpoint and the resource API: only origins on the allowlist (CORS_ORIGINS), exposing
 * WWW-Authenticate and Mcp-Session-Id and accepting the MCP headers (RS-10).
 */
export function allowlistCors(origins: readonly string[]): MiddlewareHandler {
  return corsAfter(allowlistOptions(origins));
}

/** What allowlistCors() adds to an answer that is not a preflight, for routes answered by node:http directly. */
export function allowlistCorsHeaders(origins: readonly string[]): (origin: string | undefined) => Array<[string, string]> {
  return simpleCorsHeaders(allowlistOptions(origins));
}

function allowlistOptions(origins: readonly string[]) {
  return {
    origin: (origin: string) => (origins.includes('*') || origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'MCP-Protocol-Version', 'Mcp-Session-Id', 'Mcp-Method', 'Mcp-Name', 'Last-Event-ID', 'DPoP'],
    exposeHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version', 'Retry-After', 'DPoP-Nonce'],
    maxAge: 600,
  };
}
