import { Hono } from 'hono';
import { decodeJwt } from 'jose';
import { rateLimit } from '../http/rate-limit.js';
import { OAuthError } from '../oauth/errors.js';
import { RULES } from '../oauth/rules.js';
import { auditOf } from '../observability/audit-of.js';
import type { ClientRecord } from '../store/store.js';
import type { TokenResponseBody } from './access-token.js';
import { authenticateClient, parseBasicAuthorization } from './client-auth.js';
import type { AuthServerDeps } from './deps.js';
import { readForm, type FormParams } from './form.js';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { noStore } from './no-store.js';

type GrantHandler = (client: ClientRecord, params: FormParams) => Promise<TokenResponseBody>;

/** The client_id a failed request claimed (not verified), for the audit trail. */
function claimedClientId(authorization: string | undefined, posted: string | undefined): string | undefined {
  try {
    return parseBasicAuthorization(authorization)?.clientId ?? posted;
  } catch {
    return posted;
  }
}

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
    let client: ClientRecord | undefined;
    try {
      return await exchange(c, params, (authenticated) => (client = authenticated));
    } catch (err) {
      if (err instanceof OAuthError) {
        const type = params.grant_type === 'refresh_token' ? 'token_refreshed' : 'token_issued';
        // An unauthenticated client_id only joins a flow that exists: it must not start flows for anyone.
        const clientId = client?.clientId ?? claimedClientId(c.req.header('authorization'), params.client_id);
        const refusal = err.code === 'invalid_client' && !err.rule ? new OAuthError(err.code, err.description, { rule: RULES.clientAuthFailed }) : err;
        await auditOf(deps).refused(
          { type, clientId, flow: client ? 'join-or-start' : 'join', grantType: params.grant_type, detail: `grant_type=${params.grant_type?.slice(0, 40) ?? '(none)'}: ${err.description}` },
          refusal,
        );
      }
      throw err;
    }
  });

  const exchange = async (c: import('hono').Context, params: FormParams, authenticated: (client: ClientRecord) => void): Promise<Response> => {
    const grantType = params.grant_type;
    // RFC 6749 §5.2: a missing required parameter is invalid_request; an unknown grant type is unsupported.
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    const grant = Object.hasOwn(grants, grantType) ? grants[grantType] : undefined;
    if (!grant) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType.slice(0, 40)} is not supported`);

    const { client } = await authenticateClient(deps, c.req.header('authorization'), params);
    authenticated(client);
    // RFC 6749 §5.2: unauthorized_client when the client may not use this grant type.
    if (!client.grantTypes.includes(grantType)) {
      throw new OAuthError('unauthorized_client', `client is not registered for the ${grantType} grant`);
    }
    const body = await grant(client, params);
    deps.logger.info({ clientId: client.clientId, grantType }, 'token issued');
    // The subject is read back from the access token just minted (not a secret: its claims, never the token).
    const claims = decodeJwt(body.access_token);
    await auditOf(deps).record({
      type: grantType === 'refresh_token' ? 'token_refreshed' : 'token_issued',
      clientId: client.clientId,
      subject: typeof claims.sub === 'string' ? claims.sub : undefined,
      grantType,
      detail: `grant_type=${grantType}; scope "${body.scope}"; ${body.refresh_token ? 'with' : 'no'} refresh token; jti ${String(claims.jti)}`,
    });
    return c.json(body, 200);
  };
  return app;
}
