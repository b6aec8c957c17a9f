/**
 * The protected resources the demo's MCP server (port 5001) serves, as canonical URIs (RFC 8707 §2):
 * - `mcp`, the MCP endpoint `/mcp/v1` (the original's path, the primary resource);
 * - `mcpAlias`, `/mcp`, the same MCP server under a shorter path;
 * - `origin`, the whole server, which the REST API also accepts as an audience.
 */
export interface ServerResources {
  mcp: string;
  mcpAlias: string;
  origin: string;
}

export function serverResources(mcpUrl: string): ServerResources {
  if (!URL.canParse(mcpUrl) || !/^https?:$/.test(new URL(mcpUrl).protocol)) throw new Error(`MCP_SERVER_URL is not an absolute http(s) URL: ${mcpUrl}`);
  // RFC 8707 §2 canonical form: lower-case scheme and host, no default port, no trailing slash.
  const u = new URL(mcpUrl);
  const origin = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  return { mcp: `${origin}/mcp/v1`, mcpAlias: `${origin}/mcp`, origin };
}

/**
 * Audiences the MCP endpoint accepts: /mcp/v1 and its alias /mcp name the same MCP server (RS-5).
 */
export function mcpAudiences(r: ServerResources): string[] {
  return [r.mcp, r.mcpAlias];
}

/**
 * Audiences the REST API accepts. The whole origin is one protected resource whose MCP endpoint and /api share
 * one data service and one scope vocabulary, so a token issued for the MCP endpoint (the original's clients used
 * one token for both) or for the origin itself (RFC 8707 §2 allows a resource to be an origin) is accepted.
 * Order matters: the verifier reports the first one a token matches.
 */
export function apiAudiences(r: ServerResources): string[] {
  return [r.mcp, r.mcpAlias, r.origin];
}
