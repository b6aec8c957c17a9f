import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify, type JWTPayload } from 'jose';
import { sha256 } from './crypto.js';
import type { DpopKeyCache } from './dpop-keys.js';
import type { DpopNonces } from './dpop-nonce.js';
import { OAuthError } from './errors.js';
import type { ReplayCache } from './replay-cache.js';

/**
 * Proof algorithms accepted (RFC 9449 §4.3 check 5: asymmetric, supported). `Ed25519` is the fully-specified
 * name of EdDSA over Ed25519 (RFC 9864), which oauth4webapi sends.
 */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519'] as const;

/** How old a proof may be (its iat), and how far in the future (clock skew), in seconds. */
export const DPOP_MAX_AGE_SECONDS = 60;
export const DPOP_FUTURE_SKEW_SECONDS = 5;
/** Far above any proof a client sends; refused before any parsing. */
const MAX_PROOF_LENGTH = 4096;

export interface DpopProofCheck {
  /** The request's method (htm) and URL (htu, compared without query and fragment). */
  htm: string;
  htu: string;
  now: number;
  /** At a resource server: the access token the proof must be bound to (ath, RFC 9449 §4.3 check 12). */
  accessToken?: string;
  /** When set, a nonce of these is required (RFC 9449 §8, §9). */
  nonces?: DpopNonces;
  /** Where proof jti values are remembered, to refuse a replayed proof (RFC 9449 §11.1). */
  replay: ReplayCache;
  /** Public keys of earlier proofs, imported once (dpop-keys.ts); without it every proof's jwk is imported. */
  keys?: DpopKeyCache;
}

export interface DpopProof {
  /** The JWK SHA-256 thumbprint (RFC 7638) of the proof's key: what `cnf.jkt` binds a token to. */
  jkt: string;
  jti: string;
  iat: number;
}

const invalid = (description: string, cause?: unknown) => new OAuthError('invalid_dpop_proof', description, { cause });

/** RFC 9449 §4.3 check 9: htu is compared without query and fragment, after URL normalisation. */
function normalisedUri(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    u.search = '';
    u.hash = '';
    return u.href;
  } catch {
    return undefined;
  }
}

/**
 * Checks one DPoP proof JWT (the `DPoP` header's value) as RFC 9449 §4.3 lists: a single well-formed JWT,
 * typ dpop+jwt, an allowed asymmetric alg, a public key in `jwk` that verifies the signature, jti/htm/htu/iat
 * present and matching this request, iat within the window, the nonce when one is required, ath when an
 * access token is presented, and a jti not seen before. Throws OAuthError invalid_dpop_proof or use_dpop_nonce.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export async function verifyDpopProof(proof: string | undefined, check: DpopProofCheck): Promise<DpopProof> {
  if (proof === undefined || proof === '') throw invalid('a DPoP proof is required');
  // RFC 9449 §4.3 check 1 and 2: exactly one DPoP header holding one JWT (node joins repeated headers with ",").
  if (proof.length > MAX_PROOF_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(proof)) {
    throw invalid('the DPoP header must hold exactly one JWT');
  }
  let payload: JWTPayload;
  let jwk: Record<string, unknown>;
  const resolver = check.keys?.resolver();
  try {
    // Check 3 to 6: typ, alg allowlist (never none or a MAC), signature with the embedded public key.
    const verified = await jwtVerify(proof, resolver?.key ?? EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_ALGORITHMS],
      currentDate: new Date(check.now * 1000),
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk as Record<string, unknown>;
  } catch (cause) {
    throw invalid(reasonFor(cause), cause);
  }
  const { jti, htm, htu, iat, ath, nonce } = payload as JWTPayload & Record<'htm' | 'htu' | 'ath' | 'nonce', unknown>;
  // Check 7: the required claims.
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw invalid('the DPoP proof needs a jti');
  if (typeof htm !== 'string' || typeof htu !== 'string') throw invalid('the DPoP proof needs htm and htu');
  if (typeof iat !== 'number') throw invalid('the DPoP proof needs an iat');
  // Check 8: htm is the request's method.
  if (htm !== check.htm) throw invalid(`the DPoP proof is for ${htm.slice(0, 10)}, not ${check.htm}`);
  // Check 9: htu is the request's URI, without query and fragment.
  const expected = normalisedUri(check.htu);
  const got = normalisedUri(htu);
  if (got === undefined || got !== expected) throw invalid('the DPoP proof is for another URL (htu)');
  // Check 10: a nonce when the server asks for one; a missing or stale one gets use_dpop_nonce and a fresh nonce.
  if (check.nonces && (typeof nonce !== 'string' || !check.nonces.isValid(nonce))) {
    throw new OAuthError('use_dpop_nonce', typeof nonce === 'string' ? 'the DPoP nonce is stale' : 'a DPoP nonce is required', {
      headers: { 'DPoP-Nonce': check.nonces.current() },
    });
  }
  // Check 11: iat within an acceptable window.
  if (iat > check.now + DPOP_FUTURE_SKEW_SECONDS) throw invalid('the DPoP proof is issued in the future (iat)');
  if (iat < check.now - DPOP_MAX_AGE_SECONDS) throw invalid('the DPoP proof is too old (iat)');
  // Check 12: with an access token, ath is the base64url SHA-256 of it.
  if (check.accessToken !== undefined) {
    if (typeof ath !== 'string') throw invalid('the DPoP proof needs ath with an access token');
    if (ath !== sha256(check.accessToken)) throw invalid('the DPoP proof is for another access token (ath)');
  }
  const jkt = resolver ? await resolver.verified() : await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256');
  // RFC 9449 §11.1: a proof is used once; its jti is remembered for as long as its iat is acceptable.
  const fresh = await check.replay.claim(`dpop:${jkt}:${jti}`, iat + DPOP_MAX_AGE_SECONDS + DPOP_FUTURE_SKEW_SECONDS + 1);
  if (!fresh) throw invalid('the DPoP proof was already used (jti)');
  return { jkt, jti, iat };
}

function reasonFor(err: unknown): string {
  if (err instanceof errors.JOSEAlgNotAllowed) return 'DPoP proof algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'DPoP proof signature does not verify';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'typ') return 'the DPoP proof must have typ dpop+jwt';
  if (err instanceof errors.JWTExpired) return 'the DPoP proof has expired';
  return 'malformed DPoP proof';
}
