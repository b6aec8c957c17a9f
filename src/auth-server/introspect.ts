import { Hono } from 'hono';
import { rateLimit } from '../http/rate-limit.js';
import { OAuthError } from '../oauth/errors.js';
import { RULES } from '../oauth/rules.js';
import { authenticateClient } from './client-auth.js';
import type { AuthServerDeps } from './deps.js';
import { readForm } from './form.js';
import { isAccessTokenLive, lookupRefreshToken, verifyOwnAccessToken } from './issued-tokens.js';

type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

async function introspect(deps: AuthServerDeps, token: string): Promise<IntrospectionResponse> {
  const claims = await verifyOwnAccessToken(deps, token);
  if (claims) {
    if (!(await isAccessTokenLive(deps, claims))) return { active: false };
    return {
      active: true,
      token_type: 'Bearer',
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
    };
  }
  const refresh = await lookupRefreshToken(deps, token);
  if (!refresh.active) return { active: false };
  const r = refresh.record;
  // token_type names access-token types (RFC 6749 §7.1); a refresh token has none, so it is left out.
  return {
    active: true,
    scope: r.scope,
    client_id: r.clientId,
    sub: r.subject,
    aud: r.resource,
    iss: deps.config.authServer.issuer,
    exp: r.expiresAt,
    iat: r.createdAt,
  };
}

/**
 * POST /oauth/introspect (AS-13): for confidential clients designated as resource servers only; every token that is not
 * valid right now is simply `{"active": false}`.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
export function introspectRoute(deps: AuthServerDeps): Hono {
  const app = new Hono();
  app.post('/oauth/introspect', rateLimit(deps.rateLimits.token, deps.config.trustedProxies), async (c) => {
    const params = await readForm(c);
    const { client, method } = await authenticateClient(deps, c.req.header('authorization'), params);
    // RFC 7662 §2.1: the endpoint MUST require authorization, or token scanning becomes possible.
    if (method === 'none') {
      throw new OAuthError('invalid_client', 'introspection requires a confidential client', {
        cause: new Error(`public client ${client.clientId}`),
      });
    }
    // RFC 7662 §4: answers reveal who holds a token and for what, so only resource servers an administrator
    // designated (`mcp-auth-server clients add ... --introspect`) may ask; any other client is not authorized (§2.1: 401).
    if (!(await deps.store.isResourceServer(client.clientId))) {
      throw new OAuthError('invalid_client', 'this client is not allowed to introspect tokens', {
        rule: RULES.introspectionNotAllowed,
        cause: new Error(`client ${client.clientId} is not a designated resource server`),
      });
    }
    const token = params.token;
    if (token === undefined) throw new OAuthError('invalid_request', 'token is required');
    return c.json(await introspect(deps, token), 200);
  });
  return app;
}
