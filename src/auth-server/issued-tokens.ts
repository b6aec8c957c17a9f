import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { createHmac } from 'node:crypto';
import { SIGNING_ALG } from '../keys/key-ring.js';
import { sha256 } from '../oauth/crypto.js';
import type { RefreshTokenRecord } from '../store/store.js';
import { ACCESS_TOKEN_TYP } from './access-token.js';
import type { AuthServerDeps } from './deps.js';

/** The claims this server puts in its access tokens (access-token.ts). */
export interface OwnAccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  grant_id?: string;
}

/** A JWT has three dot-separated parts; our refresh tokens are base64url and never contain a dot. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

/**
 * Verifies an access token this server issued: signature against our own JWKS (current and retired keys),
 * iss, typ at+jwt, alg, exp. Returns null for anything else, expired or forged tokens included.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export async function verifyOwnAccessToken(
  deps: Pick<AuthServerDeps, 'config' | 'keys' | 'clock'>,
  token: string,
): Promise<OwnAccessTokenClaims | null> {
  if (!looksLikeJwt(token)) return null;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(deps.keys.jwks()), {
      issuer: deps.config.authServer.issuer,
      typ: ACCESS_TOKEN_TYP,
      algorithms: [SIGNING_ALG],
      currentDate: new Date(deps.clock() * 1000),
      requiredClaims: ['sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
    });
    if (typeof payload.client_id !== 'string' || typeof payload.jti !== 'string') return null;
    return payload as OwnAccessTokenClaims;
  } catch {
    return null;
  }
}

/** Whether a verified access token is still good: not revoked by jti (RFC 7009) and its grant not revoked. */
export async function isAccessTokenLive(deps: Pick<AuthServerDeps, 'store'>, claims: OwnAccessTokenClaims): Promise<boolean> {
  if (await deps.store.isAccessTokenRevoked(claims.jti)) return false;
  if (claims.grant_id !== undefined) {
    const grant = await deps.store.getGrant(claims.grant_id);
    if (!grant || grant.revokedAt !== null) return false;
  }
  return true;
}

/**
 * The refresh token that replaces `token` on rotation: HMAC-SHA256 of the old token under a key derived from
 * SECRET_KEY. Deterministic, so concurrent refreshes (on any instance) agree on one successor without the
 * store ever holding a token in plain text (AS-10, interop note 9).
 */
export function successorRefreshToken(rotationKey: Buffer, token: string): string {
  return createHmac('sha256', rotationKey).update(token, 'utf8').digest('base64url');
}

export type RefreshTokenState =
  | { active: true; record: RefreshTokenRecord }
  | { active: false; record: RefreshTokenRecord | undefined };

/**
 * Looks a refresh token up by its hash and says whether it can still be used: not revoked, not expired,
 * its grant not revoked, and not rotated longer ago than the grace window.
 */
export async function lookupRefreshToken(deps: Pick<AuthServerDeps, 'config' | 'store' | 'clock'>, token: string): Promise<RefreshTokenState> {
  const found = await deps.store.getRefreshTokenWithGrant(sha256(token));
  if (!found) return { active: false, record: undefined };
  const { token: record, grant } = found;
  const now = deps.clock();
  if (record.revokedAt !== null || record.expiresAt <= now) return { active: false, record };
  if (record.rotatedAt !== null && now - record.rotatedAt >= deps.config.ttl.refreshGrace) return { active: false, record };
  if (!grant || grant.revokedAt !== null) return { active: false, record };
  return { active: true, record };
}
