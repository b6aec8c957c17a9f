import { Hono } from 'hono';
import { bearerAuth, type AuthEnv } from '../resource-server/bearer.js';
import { mcpAudiences, protectedResourceMetadataUrl, serverResources } from '../resource-server/resources.js';
import type { McpServerDeps } from './deps.js';
import { plainHandler, PLAIN_METHODS } from './routes/plain-routes.js';
import { sseMessageHandler, sseOpenHandler } from './routes/sse-routes.js';
import { streamableHandler, type EndpointPaths } from './routes/streamable-route.js';
import type { McpRuntime } from './runtime.js';
import { serverManagedAuth } from './server-managed/managed-auth.js';
import { scopesDeclaredBy } from './tool-scopes.js';

/**
 * The MCP endpoint at /mcp/v1 (the original's path) and its alias /mcp, each with every transport: Streamable
 * HTTP of both eras, the 2024-11-05 HTTP+SSE pair, and the original's plain endpoints. All of it sits behind
 * bearer auth whose challenges point at the endpoint's own RFC 9728 metadata (RS-2, RS-3, RS-4).
 */
export function mcpRoutes(deps: McpServerDeps, runtime: McpRuntime): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const resources = serverResources(deps.config.mcpServer.url);
  const allScopes = scopesDeclaredBy(runtime.tools);
  for (const [base, resource] of [
    ['/mcp/v1', resources.mcp],
    ['/mcp', resources.mcpAlias],
  ] as const) {
    const paths: EndpointPaths = { base, resourceMetadataUrl: protectedResourceMetadataUrl(resource) };
    // The endpoint itself needs no scope (oauth_authenticate needs none); tools/call is gated per tool (RS-6).
    const bearer = bearerAuth({
      verifier: deps.verifier,
      resource,
      audiences: mcpAudiences(resources),
      resourceMetadataUrl: paths.resourceMetadataUrl,
      requiredScopes: [],
      allScopes,
      ...(deps.dpop && { dpop: deps.dpop }),
    });
    const auth = runtime.serverToken
      ? serverManagedAuth({ bearer, serverToken: runtime.serverToken, verifier: deps.verifier, logger: deps.logger })
      : bearer;
    app.get(`${base}/sse`, auth, sseOpenHandler(runtime, paths));
    app.post(`${base}/messages`, auth, sseMessageHandler(runtime, paths));
    for (const method of PLAIN_METHODS) app.post(`${base}/${method}`, auth, plainHandler(runtime, paths, method));
    app.on(['GET', 'POST', 'DELETE'], base, auth, streamableHandler(runtime, paths));
  }
  return app;
}
