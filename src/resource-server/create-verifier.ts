import { systemClock, type Clock } from '../clock.js';
import { canonicalResource } from '../oauth/resource.js';
import { httpJwksFetcher, JwksCache, type JwksFetcher } from './jwks-source.js';
import { JwtVerifier } from './jwt-verifier.js';
import { revocationCheck, type RevocationSource } from './revocation-check.js';
import type { VerifiedToken } from './types.js';

export interface TokenVerifierOptions {
  /** The authorization server's issuer identifier; a token's `iss` must equal it exactly (RFC 9068 §4). */
  issuer: string;
  /** The resource(s) this verifier accepts tokens for (RFC 8707 `aud`, RS-5); the first is the primary one. */
  audience: string | readonly string[];
  /**
   * The issuer's JWK Set URL. Without it, the `jwks_uri` of the issuer's RFC 8414 metadata is used (read once,
   * when the keys are first needed), or `${issuer}/.well-known/jwks.json` when the issuer publishes none.
   */
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
  const doFetch = options.fetch ?? fetch;
  const fetchJwks = options.jwksUri
    ? httpJwksFetcher(options.jwksUri, { fetch: doFetch })
    : discoveredJwksFetcher(issuer, doFetch);
  const revoked = options.isRevoked;
  const isRevoked = revoked === undefined ? undefined : typeof revoked === 'function' ? revoked : revocationCheck(revoked);
  return new JwtVerifier({
    issuer,
    audiences,
    clock,
    keys: new JwksCache({ fetchJwks, clock }),
    ...(isRevoked && { isRevoked }),
    ...(options.clockSkewSeconds !== undefined && { clockSkewSeconds: options.clockSkewSeconds }),
  });
}

/**
 * The issuer's keys from the `jwks_uri` of its authorization server metadata (RFC 8414 §3: the well-known suffix
 * inserted before the issuer's path), found on the first fetch and remembered; an issuer without reachable
 * metadata is asked at `${issuer}/.well-known/jwks.json`. The metadata's `issuer` must be the issuer itself
 * (RFC 8414 §3.3), or its jwks_uri is not used.
 */
function discoveredJwksFetcher(issuer: string, doFetch: typeof fetch): JwksFetcher {
  const fallback = httpJwksFetcher(`${issuer}/.well-known/jwks.json`, { fetch: doFetch });
  let found: JwksFetcher | undefined;
  return async () => {
    if (found) return found();
    const url = new URL(issuer);
    const path = url.pathname === '/' ? '' : url.pathname;
    let res: Response;
    try {
      res = await doFetch(`${url.origin}/.well-known/oauth-authorization-server${path}`, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      // Unreachable for now: the conventional location this time, the metadata again next time.
      return fallback();
    }
    const doc = res.ok ? ((await res.json().catch(() => undefined)) as { issuer?: unknown; jwks_uri?: unknown } | undefined) : undefined;
    const named = doc?.issuer === issuer && typeof doc.jwks_uri === 'string' && URL.canParse(doc.jwks_uri) ? doc.jwks_uri : undefined;
    found = named ? httpJwksFetcher(named, { fetch: doFetch }) : fallback;
    return found();
  };
}
