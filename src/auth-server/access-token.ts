import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AuthServerSettings } from './settings.js';
import { signCompactEs256 } from '../keys/jws.js';
import type { KeyRing } from '../keys/key-ring.js';

/** The media type of RFC 9068 access tokens, carried in the JOSE header as `typ`. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface AccessTokenRequest {
  /** The resource owner: a user id, or the client id for client_credentials (RFC 9068 §2.2). */
  subject: string;
  clientId: string;
  /** Granted scopes, already resolved. */
  scopes: readonly string[];
  /** Canonical resource (RFC 8707), the token's audience. */
  resource: string;
  /** The grant the token was issued under, so revoking the grant can be checked at the resource server. */
  grantId?: string;
  /** RFC 9449 §6: the DPoP key thumbprint the token is bound to (`cnf.jkt`). */
  dpopJkt?: string;
}

export interface MintedAccessToken {
  token: string;
  /** The `sub` claim, as signed. */
  subject: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
  /** Seconds until expiry, for `expires_in`. */
  expiresIn: number;
  /** Set when the token is DPoP-bound. */
  dpopJkt?: string;
}

/**
 * Mints an RFC 9068 JWT access token, signed with the current key (ES256). Synchronous (node:crypto's sign,
 * keys/jws.ts): no promise on the token endpoint's path for work that never waits.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 */
export function mintAccessToken(deps: { config: AuthServerSettings; keys: KeyRing; clock: Clock }, req: AccessTokenRequest): MintedAccessToken {
  const key = deps.keys.signingKey();
  const issuedAt = deps.clock();
  const expiresIn = deps.config.ttl.accessToken;
  const expiresAt = issuedAt + expiresIn;
  const jti = randomUUID();
  // Claims set one by one, in this order (their order in the token): no temporary object to merge.
  const claims: Record<string, unknown> = { client_id: req.clientId, scope: req.scopes.join(' ') };
  if (req.grantId) claims.grant_id = req.grantId;
  // RFC 9449 §6.1: a DPoP-bound JWT carries the key's thumbprint in the confirmation claim.
  if (req.dpopJkt) claims.cnf = { jkt: req.dpopJkt };
  claims.iss = deps.config.authServer.issuer;
  claims.sub = req.subject;
  claims.aud = req.resource;
  claims.iat = issuedAt;
  claims.exp = expiresAt;
  claims.jti = jti;
  if (key.alg !== 'ES256') throw new Error(`signing key ${key.kid}: unsupported alg ${key.alg}`);
  // RFC 9068 §2.1: typ "at+jwt" so an access token cannot be mistaken for an ID token or another JWT.
  const token = signCompactEs256(key.jwsHeader(ACCESS_TOKEN_TYP), claims, key.privateKey);
  const minted: MintedAccessToken = { token, subject: req.subject, jti, issuedAt, expiresAt, expiresIn };
  if (req.dpopJkt) minted.dpopJkt = req.dpopJkt;
  return minted;
}

export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/**
 * The successful token response body (AS-9).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokenResponseBody(access: MintedAccessToken, scopes: readonly string[], refreshToken?: string): TokenResponseBody {
  const body: TokenResponseBody = {
    access_token: access.token,
    // RFC 9449 §5.1: a DPoP-bound access token has token_type DPoP.
    token_type: access.dpopJkt ? 'DPoP' : 'Bearer',
    expires_in: access.expiresIn,
    scope: scopes.join(' '),
  };
  if (refreshToken !== undefined) body.refresh_token = refreshToken;
  return body;
}

/** What a grant hands back to the token endpoint: the response body, and for the audit trail whom and which token. */
export interface IssuedTokens {
  body: TokenResponseBody;
  subject: string;
  jti: string;
  /** The flow of the grant the tokens were issued under, when it has one (store/records.ts GrantRecord). */
  flowId?: string;
}

export function issuedTokens(access: MintedAccessToken, scopes: readonly string[], refreshToken?: string): IssuedTokens {
  return { body: tokenResponseBody(access, scopes, refreshToken), subject: access.subject, jti: access.jti };
}
