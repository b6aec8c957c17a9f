import { Hono } from 'hono';
import { bodyLimit } from '../http/body-limit.js';
import { secureHeaders } from 'hono/secure-headers';
import { hostHeaderValidation } from '@modelcontextprotocol/hono';
import { apiRoutes } from '../api/routes.js';
import { allowlistCors } from '../http/cors.js';
import { errorHandler } from '../http/error-handler.js';
import { OAuthError } from '../oauth/errors.js';
import { protectedResourceMetadataRoutes } from '../resource-server/protected-resource-metadata.js';
import type { McpServerDeps } from './deps.js';
import { originCheck } from './http/origin-check.js';
import { mcpRoutes } from './mcp-routes.js';
import { createMcpRuntime, type McpRuntime } from './runtime.js';
import { scopesDeclaredBy } from './tool-scopes.js';

/** MCP messages and API bodies are small JSON documents. */
export const MAX_MCP_BODY_BYTES = 1024 * 1024;

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/**
 * The MCP server (port 5001): the MCP endpoint with every transport, the REST resource API and the protected
 * resource metadata, composed with security headers, CORS from the allowlist (RS-10), Origin validation (TR-5)
 * and, on a loopback bind, Host validation against DNS rebinding. Pass a runtime to be able to close its
 * sessions on shutdown.
 */
export function createMcpServerApp(deps: McpServerDeps, runtime: McpRuntime = createMcpRuntime(deps)): Hono {
  const app = new Hono();
  app.onError(errorHandler(deps.logger));
  app.notFound((c) => c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false }));
  if (LOOPBACK_HOSTS.includes(deps.config.mcpServer.host)) {
    const publicHost = new URL(deps.config.mcpServer.url).hostname;
    app.use('*', hostHeaderValidation([...new Set(['127.0.0.1', 'localhost', '[::1]', publicHost])]));
  }
  // Discovery documents carry their own public CORS; the MCP endpoint and the API only the allowlist.
  for (const path of ['/mcp', '/mcp/*', '/api/*']) {
    app.use(path, allowlistCors(deps.config.corsOrigins));
    app.use(path, originCheck({ allowlist: deps.config.corsOrigins, publicUrl: deps.config.mcpServer.url }));
  }
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_MCP_BODY_BYTES,
      onError: () => {
        throw new OAuthError('invalid_request', `request body larger than ${MAX_MCP_BODY_BYTES} bytes`, { status: 413 });
      },
    }),
  );
  app.get('/health', (c) =>
    c.json({ status: 'healthy', service: 'mcp-server', auth_mode: deps.config.mcpAuthMode, tools: runtime.tools.map((t) => t.name) }),
  );
  // The tools' scope declarations are what scopes_supported advertises (RFC 9728 §2).
  app.route('/', protectedResourceMetadataRoutes(deps, { scopes: scopesDeclaredBy(runtime.tools) }));
  app.route('/', apiRoutes(deps));
  app.route('/', mcpRoutes(deps, runtime));
  return app;
}
