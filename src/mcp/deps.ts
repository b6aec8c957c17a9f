import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { TokenVerifier } from '../resource-server/types.js';

/** One URL path serving the MCP endpoint, and the resource identifier (RFC 8707) it is known by. */
export interface McpEndpoint {
  /** e.g. /mcp */
  path: string;
  /** Canonical resource, e.g. http://127.0.0.1:5001/mcp */
  resource: string;
}

/**
 * The plain values the MCP server's routes read, translated once from the public options
 * (runtime/mcp-server.ts); never the environment.
 */
export interface McpSettings {
  /** The issuer whose tokens are accepted (RFC 9728 `authorization_servers`). */
  issuer: string;
  /** The endpoint's paths: the first is the primary resource; all of them name one server and accept each other's tokens (RS-5). */
  endpoints: readonly McpEndpoint[];
  /** The public origin of the endpoints. */
  origin: string;
  /** The address the server binds, when known: on a loopback bind Host headers are checked (DNS rebinding). */
  bindHost?: string | undefined;
  /** Browser origins allowed besides the server's own (RS-10, TR-5). */
  corsOrigins: readonly string[];
  /** Scale-out: session ids start with `${instanceId}.`. */
  instanceId?: string | undefined;
  /** scopes_supported of the protected resource metadata, in canonical order. */
  scopes: readonly string[];
  /** The issuer's RFC 8414 document, also served at this origin for 2025-03-26 clients that look for it here. */
  authorizationServerMetadata?: Record<string, unknown> | undefined;
  /** MCP_AUTH_MODE=server-managed: requests without a token act with the server's own (client_credentials). */
  serverManaged?: { credentials?: { clientId: string; clientSecret: string } | undefined } | undefined;
  /** The name the protected resource metadata gives (RFC 9728 `resource_name`). */
  resourceName: string;
}

/** What the MCP server (MCP endpoint, protected resource metadata) is built from. */
export interface McpServerDeps {
  settings: McpSettings;
  clock: Clock;
  logger: Logger;
  /** Verifies bearer tokens against the issuer's JWKS; the MCP side never reads authorization-server tables. */
  verifier: TokenVerifier;
  /** Accept DPoP-bound tokens (RFC 9449 §7) on the MCP endpoint; set by the runtime. */
  dpop?: import('../resource-server/dpop.js').ResourceDpop;
  /** For calls to the authorization server (server-managed mode); defaults to the global fetch. */
  fetch?: typeof fetch;
}
