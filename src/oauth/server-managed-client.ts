import { createHmac } from 'node:crypto';

/** The client id of the MCP server's own client in server-managed mode outside demo mode. */
export const SERVER_MANAGED_CLIENT_ID = 'oauth-mcp-server-managed';

/**
 * The credentials of the client server-managed mode uses outside demo mode. Both servers derive them from
 * SECRET_KEY (so `--only auth` and `--only mcp` processes agree without a shared file), the authorization
 * server provisions the client at start, and dynamic registration never has to hand out client_credentials.
 */
export function serverManagedCredentials(secretKey: string): { clientId: string; clientSecret: string } {
  const clientSecret = createHmac('sha256', secretKey).update('oauth-mcp server-managed client secret v1').digest('base64url');
  return { clientId: SERVER_MANAGED_CLIENT_ID, clientSecret };
}
