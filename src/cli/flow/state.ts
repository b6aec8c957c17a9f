/** What the walkthrough carries from step to step. Optional fields are produced by a step; later steps need them. */
export interface FlowState {
  /** The MCP endpoint, e.g. http://127.0.0.1:5001/mcp/v1. */
  mcpUrl: string;
  /** Where the REST resource API lives: the MCP server's base URL. */
  apiBase: string;
  /** The issuer the configuration names; discovery must arrive at the same one. Undefined: trust discovery. */
  expectedIssuer: string | undefined;
  demoClient: { id: string; secret: string };
  resourceMetadataUrl?: string;
  resource?: string;
  scopes?: string;
  as?: AuthorizationServer;
  client?: { clientId: string; redirectUri: string };
  code?: { code: string; verifier: string };
  tokens?: { accessToken: string; refreshToken: string };
  session?: { id: string; protocolVersion: string };
  createdItemId?: number;
}

/** The RFC 8414 fields the walkthrough uses. */
export interface AuthorizationServer {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint: string;
  jwks_uri: string;
  code_challenge_methods_supported?: string[];
}

/** The MCP endpoint for a URL given by the user: a bare server URL means its /mcp/v1 endpoint. */
export function mcpEndpoint(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}${path === '' ? '/mcp/v1' : path}`;
}

/** The server's base URL for an MCP endpoint: the endpoint without its /mcp/v1 or /mcp path. */
export function serverBase(mcpUrl: string): string {
  return mcpUrl.replace(/\/mcp(\/v1)?$/, '');
}
