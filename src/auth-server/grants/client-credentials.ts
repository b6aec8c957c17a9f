import { OAuthError } from '../../oauth/errors.js';
import { rememberedCanonicalResource } from '../../oauth/resource.js';
import { parseScope, resolveRequestedScopes } from '../../oauth/scopes.js';
import type { ClientRecord } from '../../store/store.js';
import { issuedTokens, mintAccessToken, type AccessTokenRequest, type IssuedTokens } from '../access-token.js';
import type { AuthServerDeps } from '../deps.js';
import { isTouchStale, touchClientIfStale } from '../touch.js';
import type { FormParams } from '../form.js';

/**
 * The resource a client_credentials token is for (RFC 8707): the first registered resource by default;
 * anything asked must name a registered one (auth-server/resources.ts).
 */
function resolveResource(
  deps: AuthServerDeps,
  canonicalResource: (raw: string) => string | null,
  requested: string | undefined,
): { resource: string; scopes: readonly string[] } {
  if (requested === undefined) return { resource: deps.resources.default.url, scopes: deps.resources.default.scopes };
  const resource = canonicalResource(requested);
  // RFC 8707 §2: invalid_target when the resource is malformed or not one this server serves.
  if (resource === null) throw new OAuthError('invalid_target', 'resource must be an absolute http(s) URI without a fragment');
  const registered = deps.resources.find(resource);
  if (!registered) throw new OAuthError('invalid_target', 'resource is not served by this authorization server');
  return { resource, scopes: registered.scopes };
}

/**
 * The client_credentials grant: a confidential client acting for itself. No refresh token (RFC 6749 §4.4.3).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function clientCredentialsGrant(deps: AuthServerDeps) {
  const canonicalResource = rememberedCanonicalResource();
  // Answered at once unless the client's last-used time is due for its write (touch.ts): no promise otherwise.
  return (client: ClientRecord, params: FormParams, dpopJkt?: string): IssuedTokens | Promise<IssuedTokens> => {
    // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
    if (client.tokenEndpointAuthMethod === 'none') {
      throw new OAuthError('unauthorized_client', 'client_credentials is for confidential clients only');
    }
    const target = resolveResource(deps, canonicalResource, params.resource);
    const allowed = parseScope(client.scope).filter((s) => target.scopes.includes(s));
    const scopes = resolveRequestedScopes(deps.scopes, params.scope, allowed);
    if (scopes.length === 0) throw new OAuthError('invalid_scope', 'none of the requested scopes is allowed for this client');
    const { resource } = target;
    const now = deps.clock();
    // Checked here as well, so a client touched in the last minute costs no promise (touch.ts).
    if (isTouchStale(client.lastUsedAt, now)) return touchClientIfStale(deps, client, now).then(() => issue(client, scopes, resource, dpopJkt));
    return issue(client, scopes, resource, dpopJkt);
  };

  function issue(client: ClientRecord, scopes: readonly string[], resource: string, dpopJkt: string | undefined): IssuedTokens {
    const request: AccessTokenRequest = { subject: client.clientId, clientId: client.clientId, scopes, resource };
    if (dpopJkt) request.dpopJkt = dpopJkt;
    return issuedTokens(mintAccessToken(deps, request), scopes);
  }
}
