import { Hono } from 'hono';
import { bearerAuth, type AuthEnv, type BearerOptions } from '../resource-server/bearer.js';
import { protectedResourceMetadataUrl } from '../resource-server/resources.js';
import type { McpServerDeps } from './deps.js';
import { plainHandler, PLAIN_METHODS } from './routes/plain-routes.js';
import { sseMessageHandler, sseOpenHandler } from './routes/sse-routes.js';
import { streamableHandler, type EndpointPaths } from './routes/streamable-route.js';
import type { McpRuntime } from './runtime.js';
import { serverManagedAuth } from './server-managed/managed-auth.js';

/**
 * The MCP endpoint at each of its paths (e.g. /mcp/v1, the original's, and its alias /mcp), each with every
 * transport: Streamable HTTP of both eras, the 2024-11-05 HTTP+SSE pair, and the original's plain endpoints.
 * All of it sits behind bearer auth whose challenges point at the endpoint's own RFC 9728 metadata (RS-2,
 * RS-3, RS-4); the paths name one server, so each accepts tokens issued for any of them (RS-5).
 */
export function mcpRoutes(deps: McpServerDeps, runtime: McpRuntime): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { endpoints } = deps.settings;
  for (const { path: base, resource } of endpoints) {
    const paths: EndpointPaths = { base, resourceMetadataUrl: protectedResourceMetadataUrl(resource) };
    const bearer = bearerAuth(endpointBearerOptions(deps, runtime, resource));
    const auth = runtime.serverToken
      ? serverManagedAuth({ bearer, serverToken: runtime.serverToken, verifier: deps.verifier, logger: deps.logger })
      : bearer;
    const sub = base === '/' ? '' : base;
    app.get(`${sub}/sse`, auth, sseOpenHandler(runtime, paths));
    app.post(`${sub}/messages`, auth, sseMessageHandler(runtime, paths));
    for (const method of PLAIN_METHODS) app.post(`${sub}/${method}`, auth, plainHandler(runtime, paths, method));
    app.on(['GET', 'POST', 'DELETE'], base, auth, streamableHandler(runtime, paths));
  }
  return app;
}

/** The bearer check of the endpoint at `resource`, for its Hono routes and the tools/call routes node:http answers (http/tools-call-route.ts). */
export function endpointBearerOptions(deps: McpServerDeps, runtime: Pick<McpRuntime, 'toolScopes'>, resource: string): BearerOptions {
  return {
    verifier: deps.verifier,
    resource,
    audiences: deps.settings.endpoints.map((e) => e.resource),
    resourceMetadataUrl: protectedResourceMetadataUrl(resource),
    // The endpoint itself needs no scope (initialize, tools/list); tools/call is gated per tool (RS-6).
    requiredScopes: [],
    allScopes: runtime.toolScopes.declared,
    catalog: runtime.toolScopes.catalog,
    ...(deps.dpop && { dpop: deps.dpop }),
  };
}
