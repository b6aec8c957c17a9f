import { Hono } from 'hono';
import type { AuthorizationServer } from './authorization-server.js';
import type { ProtectedMcpServer } from './mcp-server.js';
import { httpApp, type HttpApp } from './serve.js';

export interface CombinedApp extends HttpApp {
  authorizationServer: AuthorizationServer;
  mcpServer: ProtectedMcpServer;
}

/**
 * One origin: the authorization server and the MCP server on one port and one public URL, side by side. The
 * MCP endpoint's paths, the routes mounted beside it and the protected resource metadata go to the MCP
 * server; everything else (the OAuth endpoints, the authorization server metadata, the pages) to the
 * authorization server. Some clients trust an authorization server only on the MCP server's own origin
 * (docs/architecture.md, "One origin").
 */
export function combine(authorizationServer: AuthorizationServer, mcpServer: ProtectedMcpServer): CombinedApp {
  const issuerOrigin = new URL(authorizationServer.issuer).origin;
  const mcpOrigin = new URL(mcpServer.url).origin;
  if (issuerOrigin !== mcpOrigin) throw new TypeError(`combine: the issuer ${authorizationServer.issuer} and the MCP endpoint ${mcpServer.url} must share one origin`);
  const { settings } = mcpServer.deps;
  const prefixes = [...settings.endpoints.map((e) => e.path), ...mcpServer.mountedPrefixes, '/.well-known/oauth-protected-resource'];
  const toMcp = (path: string) => prefixes.some((p) => p !== '/' && (path === p || path.startsWith(`${p}/`)));
  const app = new Hono();
  app.all('*', (c) => (toMcp(c.req.path) ? mcpServer.app.fetch(c.req.raw, c.env) : authorizationServer.app.fetch(c.req.raw, c.env)));
  // The direct routes of both: each has an exact path the dispatch above sends to the same server.
  const served = httpApp(app, [...authorizationServer.directRoutes, ...mcpServer.directRoutes], async () => {
    await Promise.all([authorizationServer.close(), mcpServer.close()]);
  });
  return { ...served, authorizationServer, mcpServer };
}
