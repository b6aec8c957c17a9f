import { constantTimeEqual, sha256 } from '../oauth/crypto.js';
import { formatScope } from '../oauth/scopes.js';
import { serverManagedCredentials } from '../oauth/server-managed-client.js';
import type { AuthServerDeps } from './deps.js';

/**
 * MCP_AUTH_MODE=server-managed outside demo mode (called only then): makes sure the MCP server's own client_credentials client
 * exists, with the secret both servers derive from SECRET_KEY (oauth/server-managed-client.ts). This is the
 * administrator-made client of docs/security.md, "Access without a person", made by the operator's choice of mode.
 */
export async function provisionServerManagedClient(deps: Pick<AuthServerDeps, 'config' | 'store' | 'clock' | 'logger' | 'scopes'>): Promise<void> {
  const { config, store } = deps;
  if (config.demo.enabled) return; // demo mode uses the demo client
  const { clientId, clientSecret } = serverManagedCredentials(config.secretKey);
  const secretHash = sha256(clientSecret);
  const existing = await store.getClient(clientId);
  if (existing) {
    // SECRET_KEY changed: the derived secret follows it.
    if (existing.clientSecretHash === null || !constantTimeEqual(existing.clientSecretHash, secretHash)) await store.updateClientSecret(clientId, secretHash);
    return;
  }
  try {
    await store.createClient({
      clientId,
      clientSecretHash: secretHash,
      clientName: 'oauth-mcp server (server-managed mode)',
      redirectUris: [],
      grantTypes: ['client_credentials'],
      responseTypes: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scope: formatScope(deps.scopes.names), // every scope: the server acts for all its callers
      applicationType: 'web',
      metadata: {},
      createdAt: deps.clock(),
      lastUsedAt: null,
    });
  } catch (err) {
    if (!(await store.getClient(clientId))) throw err; // another instance made it at the same moment
  }
  deps.logger.info({ clientId }, 'server-managed mode: provisioned the MCP server\'s own client');
}
