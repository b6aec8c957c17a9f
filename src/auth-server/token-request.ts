import { errorAnswer } from '../http/error-answer.js';
import { OAuthError } from '../oauth/errors.js';
import { emit, emitNow } from '../events/events.js';
import type { ClientRecord } from '../store/store.js';
import type { IssuedTokens } from './access-token.js';
import { authenticateClientNow, parseBasicAuthorization } from './client-auth.js';
import type { GrantType } from './client-metadata.js';
import type { AuthServerDeps } from './deps.js';
import { clientRequiresDpop, dpopNonceHeader, tokenRequestDpop } from './dpop.js';
import { checkFormContentType, parseForm, type FormParams } from './form.js';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { thenMaybe } from '../maybe-promise.js';

/** A token request as read off the wire, by whichever server read it (token.ts on Hono, token-direct.ts on node:http). */
export interface TokenRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  /** The `DPoP` header (RFC 9449 §4.1), when sent. */
  dpop: string | undefined;
  body: string;
}

/** What to answer: a JSON body, its status and headers. */
export interface TokenAnswer {
  status: number;
  body: object;
  headers: Record<string, string>;
}

/** AS-9, RFC 6749 §5.1 and §5.2: token responses, errors included, are never cached. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

/** `dpopJkt`: the DPoP key the tokens are bound to (RFC 9449 §5), when the request carried a proof. */
type GrantHandler = (client: ClientRecord, params: FormParams, dpopJkt: string | undefined) => IssuedTokens | Promise<IssuedTokens>;

/** The client_id a failed request claimed (not verified), for the audit trail. */
function claimedClientId(authorization: string | undefined, posted: string | undefined): string | undefined {
  try {
    return parseBasicAuthorization(authorization)?.clientId ?? posted;
  } catch {
    return posted;
  }
}

/**
 * The token endpoint's logic, made once per app (making it derives the refresh-rotation key) and shared by the Hono
 * route and the direct one. The answer comes at once when nothing had to wait (a cached client's
 * client_credentials), else as a promise; anything but a protocol error is thrown or rejected.
 */
export type TokenExchange = (req: TokenRequest) => TokenAnswer | Promise<TokenAnswer>;

/**
 * The token endpoint's logic (AS-9 to AS-12): authorization_code, refresh_token, client_credentials. Protocol
 * errors become their RFC 6749 §5.2 answer here, after the refusal is emitted as an event; anything else is thrown.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */

export function tokenExchange(deps: AuthServerDeps): TokenExchange {
  // Typed by the grant types registration accepts: one without a handler here does not compile.
  const grants: Record<GrantType, GrantHandler> = {
    authorization_code: authorizationCodeGrant(deps),
    refresh_token: refreshTokenGrant(deps),
    client_credentials: clientCredentialsGrant(deps),
  };

  const exchange = (params: FormParams, req: TokenRequest, authenticated: (client: ClientRecord) => void): TokenAnswer | Promise<TokenAnswer> => {
    const grantType = params.grant_type;
    // RFC 6749 §5.2: a missing required parameter is invalid_request; an unknown grant type is unsupported.
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    const grant = Object.hasOwn(grants, grantType) ? grants[grantType as GrantType] : undefined;
    if (!grant) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType.slice(0, 40)} is not supported`);

    return thenMaybe(authenticateClientNow(deps, req.authorization, params), ({ client }) => {
      authenticated(client);
      // RFC 6749 §5.2: unauthorized_client when the client may not use this grant type.
      if (!client.grantTypes.includes(grantType)) {
        throw new OAuthError('unauthorized_client', `client is not registered for the ${grantType} grant`);
      }
      // Without a proof and not required to send one (tokenRequestDpop's first check), no promise to wait on.
      const dpopJkt = req.dpop === undefined && !clientRequiresDpop(client) ? undefined : tokenRequestDpop(deps, req.dpop, client);
      return thenMaybe(dpopJkt, (jkt) =>
        thenMaybe(grant(client, params, jkt), ({ body, subject, jti, flowId }) => {
          deps.logger.info({ clientId: client.clientId, grantType }, 'token issued');
          const issued = emitNow(deps.events, { type: 'token.issued', clientId: client.clientId, subject, grantType, scope: body.scope, withRefreshToken: !!body.refresh_token, jti, flowId });
          return thenMaybe(issued, (): TokenAnswer => ({ status: 200, body, headers: deps.dpopNonces ? { ...NO_STORE_HEADERS, ...dpopNonceHeader(deps) } : NO_STORE_HEADERS }));
        }),
      );
    });
  };

  return (req) => {
    let params: FormParams;
    try {
      checkFormContentType(req.contentType);
      params = parseForm(req.body);
    } catch (err) {
      if (err instanceof OAuthError) return tokenErrorAnswer(deps, err);
      throw err;
    }
    // The authenticated client, once known, for the audit row of a refusal that comes after.
    let client: ClientRecord | undefined;
    try {
      const out = exchange(params, req, (authenticated) => (client = authenticated));
      return out instanceof Promise ? out.catch((err: unknown) => refused(req, params, client, err)) : out;
    } catch (err) {
      return refused(req, params, client, err);
    }
  };

  /** A protocol error emitted as token.refused and answered (RFC 6749 §5.2); anything else rethrown. */
  async function refused(req: TokenRequest, params: FormParams, client: ClientRecord | undefined, err: unknown): Promise<TokenAnswer> {
    if (!(err instanceof OAuthError)) throw err;
    const clientId = client?.clientId ?? claimedClientId(req.authorization, params.client_id);
    await emit(deps.events, { type: 'token.refused', grantType: params.grant_type, clientId, authenticated: client !== undefined, error: err });
    const answer = tokenErrorAnswer(deps, err);
    // RFC 9449 §8: with nonces on, a refused request also learns the current nonce (use_dpop_nonce sets its own).
    return { ...answer, headers: { ...dpopNonceHeader(deps), ...answer.headers } };
  }
}

/** RFC 6749 §5.2: the error as JSON, with its status and headers (a Basic challenge on a failed Basic login). */
export function tokenErrorAnswer(deps: Pick<AuthServerDeps, 'logger'>, err: unknown): TokenAnswer {
  const answer = errorAnswer(err, deps.logger, '/oauth/token');
  return { ...answer, headers: { ...NO_STORE_HEADERS, ...answer.headers } };
}
