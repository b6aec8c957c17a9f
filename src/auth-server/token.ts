import { Hono } from 'hono';
import { rateLimit } from '../http/rate-limit.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord } from '../store/store.js';
import type { TokenResponseBody } from './access-token.js';
import { authenticateClient } from './client-auth.js';
import type { AuthServerDeps } from './deps.js';
import { readForm, type FormParams } from './form.js';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { noStore } from './no-store.js';

type GrantHandler = (client: ClientRecord, params: FormParams) => Promise<TokenResponseBody>;

/**
 * POST /oauth/token (AS-9 to AS-12): authorization_code, refresh_token, client_credentials.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function tokenRoute(deps: AuthServerDeps): Hono {
  const grants: Record<string, GrantHandler> = {
    authorization_code: authorizationCodeGrant(deps),
    refresh_token: refreshTokenGrant(deps),
    client_credentials: clientCredentialsGrant(deps),
  };
  const app = new Hono();
  app.use('/oauth/token', noStore());
  app.post('/oauth/token', rateLimit(deps.rateLimits.token, deps.config.trustedProxies), async (c) => {
    const params = await readForm(c);
    const grantType = params.grant_type;
    // RFC 6749 §5.2: a missing required parameter is invalid_request; an unknown grant type is unsupported.
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    const grant = Object.hasOwn(grants, grantType) ? grants[grantType] : undefined;
    if (!grant) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType.slice(0, 40)} is not supported`);

    const { client } = await authenticateClient(deps, c.req.header('authorization'), params);
    // RFC 6749 §5.2: unauthorized_client when the client may not use this grant type.
    if (!client.grantTypes.includes(grantType)) {
      throw new OAuthError('unauthorized_client', `client is not registered for the ${grantType} grant`);
    }
    const body = await grant(client, params);
    deps.logger.info({ clientId: client.clientId, grantType }, 'token issued');
    return c.json(body, 200);
  });
  return app;
}
