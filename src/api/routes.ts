import { Hono } from 'hono';
import { bodyLimit } from '../http/body-limit.js';
import type { McpServerDeps } from '../mcp/deps.js';
import { SUPPORTED_SCOPES } from '../oauth/scopes.js';
import { bearerAuth, type AuthEnv } from '../resource-server/bearer.js';
import { apiAudiences, protectedResourceMetadataUrl, serverResources } from '../resource-server/resources.js';
import { dataRoutes } from './data.js';
import { profileRoute } from './profile.js';
import { apiError } from './respond.js';

/** Data items are a name and a number; a few KiB is plenty. */
export const API_MAX_BODY_BYTES = 16 * 1024;

/**
 * The REST resource API (docs/architecture.md), behind the same bearer checks as the MCP endpoint (RS-3 to RS-9).
 * It accepts tokens for any of this server's resources (resources.ts apiAudiences); its challenges point at the
 * root metadata document, the one for the server as a whole.
 */
export function apiRoutes(deps: McpServerDeps): Hono<AuthEnv> {
  const r = serverResources(deps.config.mcpServer.url);
  const common = {
    verifier: deps.verifier,
    resource: r.origin,
    audiences: apiAudiences(r),
    resourceMetadataUrl: protectedResourceMetadataUrl(r.origin),
    // RS-3: a client without a token is told every scope the API uses, so one authorization covers it all.
    allScopes: SUPPORTED_SCOPES,
  };
  const read = bearerAuth({ ...common, requiredScopes: ['read'] });
  const write = bearerAuth({ ...common, requiredScopes: ['write'] });

  const app = new Hono<AuthEnv>();
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: API_MAX_BODY_BYTES,
      onError: (c) => apiError(c, 413, { error: 'invalid_request', error_description: `request body larger than ${API_MAX_BODY_BYTES} bytes` }),
    }),
  );
  app.route('/', profileRoute(read));
  app.route('/', dataRoutes(deps.data, { read, write }));
  return app;
}
