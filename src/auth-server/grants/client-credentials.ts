import { OAuthError } from '../../oauth/errors.js';
import { canonicalResource } from '../../oauth/resource.js';
import { parseScope, resolveRequestedScopes } from '../../oauth/scopes.js';
import type { ClientRecord } from '../../store/store.js';
import { mintAccessToken, tokenResponseBody, type TokenResponseBody } from '../access-token.js';
import type { AuthServerDeps } from '../deps.js';
import { touchClientIfStale } from '../touch.js';
import type { FormParams } from '../form.js';

/**
 * The resource a client_credentials token is for (RFC 8707): the MCP endpoint by default; anything asked
 * must be on the MCP server's origin, the only resource server this authorization server issues tokens for.
 */
function resolveResource(deps: AuthServerDeps, requested: string | undefined): string {
  const fallback = `${deps.config.mcpServer.url}/mcp/v1`;
  if (requested === undefined) return fallback;
  const resource = canonicalResource(requested);
  // RFC 8707 §2: invalid_target when the resource is malformed or not one this server serves.
  if (resource === null) throw new OAuthError('invalid_target', 'resource must be an absolute http(s) URI without a fragment');
  if (new URL(resource).origin !== new URL(deps.config.mcpServer.url).origin) {
    throw new OAuthError('invalid_target', 'resource is not served by this authorization server');
  }
  return resource;
}

/**
 * The client_credentials grant: a confidential client acting for itself. No refresh token (RFC 6749 §4.4.3).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function clientCredentialsGrant(deps: AuthServerDeps) {
  return async (client: ClientRecord, params: FormParams): Promise<TokenResponseBody> => {
    // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
    if (client.tokenEndpointAuthMethod === 'none') {
      throw new OAuthError('unauthorized_client', 'client_credentials is for confidential clients only');
    }
    const scopes = resolveRequestedScopes(params.scope, parseScope(client.scope));
    if (scopes.length === 0) throw new OAuthError('invalid_scope', 'none of the requested scopes is allowed for this client');
    const resource = resolveResource(deps, params.resource);
    await touchClientIfStale(deps.store, client, deps.clock());
    const access = await mintAccessToken(deps, { subject: client.clientId, clientId: client.clientId, scopes, resource });
    return tokenResponseBody(access, scopes);
  };
}
