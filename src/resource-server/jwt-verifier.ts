import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock.js';
import { sha256 } from '../oauth/crypto.js';
import { OAuthError } from '../oauth/errors.js';
import { canonicalResource } from '../oauth/resource.js';
import { parseScope } from '../oauth/scopes.js';
import { httpJwksFetcher, JwksCache, JwksUnavailableError, type SigningKeySource } from './jwks-source.js';
import { TtlCache } from '../cache/ttl-cache.js';
import type { TokenVerifier, VerifiedToken } from './types.js';

/** RFC 9068 §4: asymmetric algorithms only; `none` and HMAC (HS256 keyed with the public key) never pass. */
const ALGORITHMS = ['ES256'];
/** RFC 9068 §2.2 claims this server relies on. */
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'client_id', 'exp', 'iat', 'jti'];
/** Far above any token this issuer mints; refused before any parsing. */
const MAX_TOKEN_LENGTH = 8 * 1024;

export interface JwtVerifierOptions {
  /** The authorization server's issuer identifier; `iss` must equal it exactly. */
  issuer: string;
  /** Audiences accepted (RS-5), in order of preference; compared after canonicalisation. */
  audiences: readonly string[];
  clock: Clock;
  /** Where public keys come from. Defaults to the issuer's `/.well-known/jwks.json`, cached. */
  keys?: SigningKeySource;
  /** A hook for revocation (by jti, or by the token's grant); consulted on every request, cached or not. */
  isRevoked?: (jti: string, token: VerifiedToken) => boolean | Promise<boolean>;
  clockSkewSeconds?: number;
  cacheSize?: number;
}

/**
 * Verifies RFC 9068 JWT access tokens locally: signature against the issuer's JWKS, alg allowlist, typ,
 * iss, aud, exp/nbf with clock skew and the required claims. A verified token is cached until it expires, so
 * the hot path skips signature work. Every failure is an OAuthError('invalid_token') (RS-4), never a 500.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
const revokedOr = (revoked: boolean, verified: VerifiedToken): VerifiedToken => {
  if (revoked) throw new OAuthError('invalid_token', 'token revoked');
  return verified;
};

export class JwtVerifier implements TokenVerifier {
  private readonly keys: SigningKeySource;
  private readonly audiences: string[];
  private readonly skew: number;
  /** Verified tokens by their exact string, so a repeated token skips signature work; served while jose would still accept it. */
  private readonly cache: TtlCache<string, VerifiedToken>;
  /** Verifications under way, so a burst of requests with one new token does the signature work once. */
  private readonly pending = new Map<string, Promise<VerifiedToken>>();

  constructor(private readonly opts: JwtVerifierOptions) {
    this.keys =
      opts.keys ?? new JwksCache({ fetchJwks: httpJwksFetcher(`${opts.issuer}/.well-known/jwks.json`), clock: opts.clock });
    this.audiences = opts.audiences.map((a) => canonicalResource(a) ?? a);
    this.skew = opts.clockSkewSeconds ?? 30;
    this.cache = new TtlCache({ maxEntries: opts.cacheSize ?? 10_000, now: opts.clock, sweepEvery: 60 });
  }

  /** Readiness (GET /ready): resolves once the key source has keys, loading them if it can (JwksCache). */
  async ready(): Promise<void> {
    const source = this.keys as SigningKeySource & { ready?: () => Promise<void> };
    if (source.ready) await source.ready();
  }

  async verify(token: string): Promise<VerifiedToken> {
    return this.verifyNow(token);
  }

  /** verify's answer, at once for a cached token whose revocation answer is known (no promise on the hot path). */
  verifyNow(token: string): VerifiedToken | Promise<VerifiedToken> {
    const verified = this.cache.get(token);
    return verified ? this.notRevoked(verified) : this.verifyOnce(token, this.opts.clock()).then((v) => this.notRevoked(v));
  }

  /** The token, unless the revocation hook says it is revoked (consulted on every request, cached or not). */
  private notRevoked(verified: VerifiedToken): VerifiedToken | Promise<VerifiedToken> {
    if (!this.opts.isRevoked) return verified;
    let answer: boolean | Promise<boolean>;
    try {
      answer = this.opts.isRevoked(verified.jti, verified);
    } catch (cause) {
      throw new OAuthError('invalid_token', 'token status could not be checked', { cause });
    }
    // A cached answer comes back as it is: awaiting it would cost a promise on every request.
    if (typeof answer === 'boolean') return revokedOr(answer, verified);
    return answer.then(
      (revoked) => revokedOr(revoked, verified),
      (cause: unknown) => {
        throw new OAuthError('invalid_token', 'token status could not be checked', { cause });
      },
    );
  }

  private verifyOnce(token: string, now: number): Promise<VerifiedToken> {
    let p = this.pending.get(token);
    if (!p) {
      p = this.verifyUncached(token, now).finally(() => this.pending.delete(token));
      this.pending.set(token, p);
    }
    return p;
  }

  private async verifyUncached(token: string, now: number): Promise<VerifiedToken> {
    if (token.length > MAX_TOKEN_LENGTH) throw new OAuthError('invalid_token', 'malformed token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header, input) => this.keys.getKey(header, input), {
        algorithms: ALGORITHMS,
        // RFC 9068 §4: typ must be at+jwt (jose also accepts application/at+jwt, as §4 allows).
        typ: 'at+jwt',
        issuer: this.opts.issuer,
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: this.skew,
        currentDate: new Date(now * 1000),
      }));
    } catch (cause) {
      throw new OAuthError('invalid_token', reasonFor(cause), { cause });
    }
    const result = this.toVerifiedToken(token, payload);
    // Mirrors jose's rule: a token is expired once exp <= now - skew.
    this.cache.setUntil(token, result, result.expiresAt + this.skew);
    return result;
  }

  private toVerifiedToken(token: string, p: JWTPayload): VerifiedToken {
    // RS-5, RFC 8707: the token must be meant for this resource; both trailing-slash forms count as one.
    const tokenAudiences = (Array.isArray(p.aud) ? p.aud : [p.aud]).map((a) => canonicalResource(String(a)));
    const audience = this.audiences.find((a) => tokenAudiences.includes(a));
    if (!audience) throw new OAuthError('invalid_token', 'token not issued for this resource');
    const { sub, client_id: clientId, jti, scope, iat, exp, grant_id: grantId } = p as JWTPayload & Record<'client_id' | 'scope' | 'grant_id', unknown>;
    for (const [name, value] of [['sub', sub], ['client_id', clientId], ['jti', jti]] as const) {
      if (typeof value !== 'string' || value === '') throw new OAuthError('invalid_token', `invalid ${name} claim`);
    }
    if (scope !== undefined && typeof scope !== 'string') throw new OAuthError('invalid_token', 'invalid scope claim');
    if (grantId !== undefined && typeof grantId !== 'string') throw new OAuthError('invalid_token', 'invalid grant_id claim');
    const jkt = (p.cnf as { jkt?: unknown } | undefined)?.jkt;
    if (p.cnf !== undefined && (typeof jkt !== 'string' || jkt === '')) throw new OAuthError('invalid_token', 'invalid cnf claim');
    return {
      token,
      subject: sub as string,
      clientId: clientId as string,
      scopes: parseScope(scope as string | undefined),
      audience,
      expiresAt: exp as number,
      issuedAt: iat as number,
      jti: jti as string,
      ...(grantId !== undefined && { grantId: grantId as string }),
      // The token's ath, hashed once here rather than per proof: per proof it was 0.9% of the server's main thread
      // under DPoP load (bench/HISTORY.md, round 2, eighth pass: perf10-dpop).
      ...(jkt !== undefined && { dpopJkt: jkt as string, dpopAth: sha256(token) }),
    };
  }
}

/** A short, stable reason for the client; the jose error itself goes to the log as the cause. */
function reasonFor(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `missing ${err.claim} claim`;
    switch (err.claim) {
      case 'nbf':
        return 'token not yet valid';
      case 'iss':
        return 'token from an unexpected issuer';
      case 'typ':
        return 'not an access token (typ must be at+jwt)';
      default:
        return `invalid ${err.claim} claim`;
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'invalid signature';
  if (err instanceof errors.JWKSNoMatchingKey) return 'unknown signing key';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed token';
  if (err instanceof JwksUnavailableError) return 'token signing keys unavailable';
  return 'invalid token';
}
