import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for the authorization server's machine-to-machine endpoints (metadata, JWKS, register, token, revoke):
 * any origin, never credentials, so browser-based MCP clients can complete OAuth (interop note 12). These
 * endpoints take no cookies, so a wildcard exposes nothing a non-browser client could not already do.
 */
export function publicCors(): MiddlewareHandler {
  return cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version'],
    exposeHeaders: ['WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
}

/**
 * CORS for the MCP endpoint and the resource API: only origins on the allowlist (CORS_ORIGINS), exposing
 * WWW-Authenticate and Mcp-Session-Id and accepting the MCP headers (RS-10).
 */
export function allowlistCors(origins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: (origin) => (origins.includes('*') || origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'MCP-Protocol-Version', 'Mcp-Session-Id', 'Mcp-Method', 'Mcp-Name', 'Last-Event-ID'],
    exposeHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version', 'Retry-After'],
    maxAge: 600,
  });
}
