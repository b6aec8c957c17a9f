import { Hono, type Context } from 'hono';
import { authorizationServerMetadata } from '../auth-server/metadata.js';
import { publicCors } from '../http/cors.js';
import type { McpServerDeps } from '../mcp/deps.js';
import { SUPPORTED_SCOPES } from '../oauth/scopes.js';
import { protectedResourceMetadataUrl, serverResources } from './resources.js';

export const RESOURCE_NAME = 'oauth-mcp';

export interface ProtectedResourceMetadataOptions {
  /** The scopes the resource's operations declare (RFC 9728 §2: the tools' declarations); defaults to all known. */
  scopes?: readonly string[];
  resourceDocumentation?: string;
}

/**
 * The RFC 9728 document for one resource (RS-1). RS-8: offline_access is never listed.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2
 */
export function protectedResourceMetadata(
  resource: string,
  issuer: string,
  opts: ProtectedResourceMetadataOptions = {},
): Record<string, unknown> {
  return {
    resource,
    authorization_servers: [issuer],
    scopes_supported: (opts.scopes ?? SUPPORTED_SCOPES).filter((s) => s !== 'offline_access'),
    bearer_methods_supported: ['header'],
    resource_name: RESOURCE_NAME,
    ...(opts.resourceDocumentation && { resource_documentation: opts.resourceDocumentation }),
  };
}

/**
 * Discovery documents served by the MCP server:
 * - RS-1, RS-2: Protected Resource Metadata at the path-aware URLs of /mcp/v1 and /mcp (RFC 9728 §3.1), and at
 *   the root, which describes /mcp/v1, the primary resource: clients that only probe the root then ask for a
 *   token the MCP endpoint accepts (interop note 6).
 * - The authorization server's RFC 8414 metadata at the MCP origin, for 2025-03-26 clients that look for it
 *   there. It is the issuer's own document (built, not proxied), so its `issuer` names the authorization server,
 *   not this origin; those clients do not compare the two.
 * All public, so any origin may read them (interop note 12).
 */
export function protectedResourceMetadataRoutes(deps: McpServerDeps, opts: ProtectedResourceMetadataOptions = {}): Hono {
  const app = new Hono();
  const issuer = deps.config.authServer.issuer;
  const r = serverResources(deps.config.mcpServer.url);
  const json = (doc: Record<string, unknown>) => (c: Context) => c.json(doc, 200, { 'Cache-Control': 'public, max-age=300' });

  app.use('/.well-known/*', publicCors());
  for (const resource of [r.mcp, r.mcpAlias]) {
    app.get(new URL(protectedResourceMetadataUrl(resource)).pathname, json(protectedResourceMetadata(resource, issuer, opts)));
  }
  app.get(new URL(protectedResourceMetadataUrl(r.origin)).pathname, json(protectedResourceMetadata(r.mcp, issuer, opts)));

  const asMetadata = json(authorizationServerMetadata(issuer));
  app.get('/.well-known/oauth-authorization-server', asMetadata);
  app.get('/.well-known/openid-configuration', asMetadata);
  return app;
}
