import { systemClock, type Clock } from '../clock.js';
import { canonicalResource } from '../oauth/resource.js';
import { httpJwksFetcher, JwksCache } from './jwks-source.js';
import { JwtVerifier } from './jwt-verifier.js';
import { revocationCheck, type RevocationSource } from './revocation-check.js';
import type { VerifiedToken } from './types.js';

export interface TokenVerifierOptions {
  /** The authorization server's issuer identifier; a token's `iss` must equal it exactly (RFC 9068 §4). */
  issuer: string;
  /** The resource(s) this verifier accepts tokens for (RFC 8707 `aud`, RS-5); the first is the primary one. */
  audience: string | readonly string[];
  /** The issuer's JWK Set URL; defaults to `${issuer}/.well-known/jwks.json`. */
  jwksUri?: string;
  /**
   * Revocation: a function (by jti, or the token's grant), or the authorization server's store, whose two
   * lookups are then cached for 5 seconds (resource-server/revocation-check.ts). Omitted: no revocation check.
   */
  isRevoked?: ((jti: string, token: VerifiedToken) => boolean | Promise<boolean>) | RevocationSource;
  clock?: Clock;
  /** For the JWKS fetch; defaults to the global fetch. */
  fetch?: typeof fetch;
  clockSkewSeconds?: number;
}

/**
 * A verifier of RFC 9068 access tokens for one resource: the issuer's JWKS fetched once and cached, verified
 * tokens cached until they expire, and an optional revocation check.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export function createTokenVerifier(options: TokenVerifierOptions): JwtVerifier {
  const clock = options.clock ?? systemClock;
  const audiences = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  for (const a of audiences) {
    if (canonicalResource(a) === null) throw new TypeError(`audience ${a} is not an absolute http(s) URL without a fragment`);
  }
  const issuer = options.issuer.replace(/\/+$/, '');
  const jwksUri = options.jwksUri ?? `${issuer}/.well-known/jwks.json`;
  const revoked = options.isRevoked;
  const isRevoked = revoked === undefined ? undefined : typeof revoked === 'function' ? revoked : revocationCheck(revoked);
  return new JwtVerifier({
    issuer,
    audiences,
    clock,
    keys: new JwksCache({ fetchJwks: httpJwksFetcher(jwksUri, options.fetch ? { fetch: options.fetch } : {}), clock }),
    ...(isRevoked && { isRevoked }),
    ...(options.clockSkewSeconds !== undefined && { clockSkewSeconds: options.clockSkewSeconds }),
  });
}
