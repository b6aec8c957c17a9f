import { Hono, type Context } from 'hono';
import { randomToken, sha256 } from '../oauth/crypto.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord } from '../store/store.js';
import type { AuthServerDeps } from './deps.js';
import { describeIssues } from './client-metadata.js';
import { clientInformation, readJsonObject, registeredFields, registrationSchema } from './register.js';
import { assertNoPersonlessGrant } from './registration-policy.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * RFC 7592 §2.1 (by RFC 6750 §3): a missing or wrong registration access token, or an unknown client (not told
 * apart, so client ids cannot be probed), is 401 invalid_token with a Bearer challenge.
 */
const refused = () =>
  new OAuthError('invalid_token', 'registration access token is missing or invalid', {
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="registration access token is missing or invalid"' },
  });

/** The client the request's registration access token opens, with the hash of that token. */
async function authorizedClient(deps: AuthServerDeps, c: Context): Promise<{ client: ClientRecord; tokenHash: string }> {
  const match = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(c.req.header('authorization') ?? '');
  if (!match) throw refused();
  const tokenHash = sha256(match[1]!);
  const client = await deps.store.getClientByRegistrationToken(c.req.param('client_id') ?? '', tokenHash);
  if (!client) throw refused();
  return { client, tokenHash };
}

/**
 * The client configuration endpoint, `/oauth/register/<client_id>` (RFC 7592): read (GET), update (PUT, the
 * full metadata as at registration) and delete (DELETE) with the registration access token issued at
 * registration. Each read or update rotates that token (RFC 7592 §3: the response carries the one to use next;
 * only its hash is stored). A client may change its redirect URIs, keys, scope or name, not its kind: the
 * token_endpoint_auth_method stays the one it registered (a new secret is never issued here).
 * @see https://www.rfc-editor.org/rfc/rfc7592#section-2
 */
export function clientConfigurationRoute(deps: AuthServerDeps): Hono {
  const app = new Hono();
  const issuer = deps.config.authServer.issuer;

  /** Rotates the token (and writes `next`'s metadata) in one update that holds only if the old token is current. */
  const answer = async (c: Context, next: ClientRecord, oldHash: string) => {
    const token = randomToken(32);
    if (!(await deps.store.updateRegisteredClient(next, oldHash, sha256(token)))) throw refused(); // a concurrent request rotated it first
    deps.clientCache?.set(next.clientId, next);
    return c.json(clientInformation(next, issuer, token), 200, NO_STORE);
  };

  // RFC 7592 §2.1: read.
  app.get('/oauth/register/:client_id', async (c) => {
    const { client, tokenHash } = await authorizedClient(deps, c);
    return answer(c, client, tokenHash);
  });

  // RFC 7592 §2.2: update; the body replaces every registered value, and client_id must be the client's own.
  app.put('/oauth/register/:client_id', async (c) => {
    const { client, tokenHash } = await authorizedClient(deps, c);
    const body = (await readJsonObject(c)) as Record<string, unknown>;
    if (body.client_id !== client.clientId) throw new OAuthError('invalid_request', 'client_id in the body must be the client being updated');
    // RFC 7592 §2.2: registration_access_token, registration_client_uri and the issue times are not sent back.
    for (const field of ['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at']) {
      if (field in body) throw new OAuthError('invalid_request', `${field} must not be included in an update`);
    }
    const parsed = registrationSchema().safeParse(body);
    if (!parsed.success) throw new OAuthError('invalid_client_metadata', describeIssues(parsed.error));
    const fields = registeredFields({ ...parsed.data, token_endpoint_auth_method: parsed.data.token_endpoint_auth_method ?? client.tokenEndpointAuthMethod }, deps.scopes);
    if (fields.tokenEndpointAuthMethod !== client.tokenEndpointAuthMethod) {
      throw new OAuthError('invalid_client_metadata', `token_endpoint_auth_method cannot change from ${client.tokenEndpointAuthMethod}; register a new client`);
    }
    // An update cannot do what registration may not: add the client_credentials grant (docs/security.md).
    assertNoPersonlessGrant(deps, fields.grantTypes, client.grantTypes);
    const next: ClientRecord = { ...client, ...fields };
    const res = await answer(c, next, tokenHash);
    deps.logger.info({ event: 'client_updated', clientId: client.clientId, redirectUris: next.redirectUris }, 'client configuration updated by its registration access token');
    return res;
  });

  // RFC 7592 §2.3: delete; every grant of the client is revoked with it, so its refresh tokens stop working.
  app.delete('/oauth/register/:client_id', async (c) => {
    const { client } = await authorizedClient(deps, c);
    const now = deps.clock();
    for (const grant of await deps.store.listGrantsForClient(client.clientId)) await deps.store.revokeGrant(grant.id, now);
    await deps.store.deleteClient(client.clientId);
    deps.clientCache?.delete(client.clientId);
    deps.logger.info({ event: 'client_deleted', clientId: client.clientId }, 'client deleted by its registration access token');
    return c.body(null, 204, NO_STORE);
  });
  return app;
}
