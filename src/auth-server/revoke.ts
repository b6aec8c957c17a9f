import { Hono } from 'hono';
import { rateLimit } from '../http/rate-limit.js';
import { OAuthError } from '../oauth/errors.js';
import { emit } from '../events/events.js';
import type { ClientRecord } from '../store/store.js';
import { authenticateClient } from './client-auth.js';
import type { AuthServerDeps } from './deps.js';
import { readForm } from './form.js';
import { looksLikeJwt, verifyOwnAccessToken } from './issued-tokens.js';
import { sha256 } from '../oauth/crypto.js';

/** A client tried to revoke another client's token: answered 200 like any other (RFC 7009 §2.2), but recorded. */
async function foreign(deps: AuthServerDeps, client: ClientRecord, kind: 'refresh token' | 'access token'): Promise<true> {
  await emit(deps.events, { type: 'token.revocation_refused', clientId: client.clientId, kind });
  return true;
}

/** Revokes a refresh token of this client and, with it, its whole grant (RFC 7009 §2.1). True when it was one. */
async function revokeRefreshToken(deps: AuthServerDeps, client: ClientRecord, token: string): Promise<boolean> {
  const record = await deps.store.getRefreshToken(sha256(token));
  if (!record) return false;
  // RFC 7009 §2.1: the server verifies that the token was issued to the client making the request.
  if (record.clientId !== client.clientId) return foreign(deps, client, 'refresh token');
  // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of the same grant.
  await deps.store.revokeGrant(record.grantId, deps.clock());
  deps.logger.info({ clientId: client.clientId, grantId: record.grantId }, 'refresh token revoked: grant revoked');
  await emit(deps.events, { type: 'token.revoked', clientId: client.clientId, subject: record.subject, token: { kind: 'refresh token', grantId: record.grantId } });
  return true;
}

/** Revokes an access token this server issued to this client, by jti until it expires. True when it was one. */
async function revokeAccessToken(deps: AuthServerDeps, client: ClientRecord, token: string): Promise<boolean> {
  const claims = await verifyOwnAccessToken(deps, token);
  if (!claims) return false;
  if (claims.client_id !== client.clientId) return foreign(deps, client, 'access token');
  await deps.store.revokeAccessToken(claims.jti, claims.exp);
  deps.logger.info({ clientId: client.clientId, jti: claims.jti }, 'access token revoked');
  await emit(deps.events, { type: 'token.revoked', clientId: client.clientId, subject: claims.sub, token: { kind: 'access token', jti: claims.jti } });
  return true;
}

/**
 * POST /oauth/revoke (AS-13). Answers 200 for unknown, invalid or foreign tokens alike, so the endpoint
 * tells nobody which tokens exist (RFC 7009 §2.2).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export function revokeRoute(deps: AuthServerDeps): Hono {
  const app = new Hono();
  // Revocation authenticates clients, so it shares the token endpoint's limiter against secret guessing.
  app.post('/oauth/revoke', rateLimit(deps.rateLimits.token, deps.config.trustedProxies), async (c) => {
    const params = await readForm(c);
    const { client } = await authenticateClient(deps, c.req.header('authorization'), params);
    const token = params.token;
    if (token === undefined) throw new OAuthError('invalid_request', 'token is required');
    // RFC 7009 §2.1: token_type_hint is only a hint; a wrong or unknown one must not stop the search.
    const accessFirst = params.token_type_hint === 'access_token' || (params.token_type_hint !== 'refresh_token' && looksLikeJwt(token));
    const order = accessFirst ? [revokeAccessToken, revokeRefreshToken] : [revokeRefreshToken, revokeAccessToken];
    for (const attempt of order) {
      if (await attempt(deps, client, token)) break;
    }
    return c.body(null, 200);
  });
  return app;
}
