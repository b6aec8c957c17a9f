import { sha256 } from './crypto.js';
import { parseProofHeader, type ProofHeader, proofClaims, proofSignature, splitDpopProof, invalidProof as invalid } from './dpop-jwt.js';
import { importDpopKey, signatureVerifies, type DpopKeyCache } from './dpop-keys.js';
import type { DpopNonces } from './dpop-nonce.js';
import { OAuthError } from './errors.js';
import { thenMaybe } from '../maybe-promise.js';
import type { ReplayCache } from './replay-cache.js';

export { DPOP_ALGORITHMS } from './dpop-keys.js';

/** How old a proof may be (its iat), and how far in the future (clock skew), in seconds. */
export const DPOP_MAX_AGE_SECONDS = 60;
export const DPOP_FUTURE_SKEW_SECONDS = 5;

export interface DpopProofCheck {
  /** The request's method (htm) and URL (htu, compared without query and fragment). */
  htm: string;
  htu: string;
  now: number;
  /** At a resource server: the access token the proof must be bound to (ath, RFC 9449 §4.3 check 12). */
  accessToken?: string;
  /** accessToken's SHA-256 (base64url) when the caller holds it already (VerifiedToken.dpopAth): not hashed again. */
  accessTokenHash?: string;
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

/** RFC 9449 §4.3 check 9: two URIs that are URLs and the same without query and fragment, after URL normalisation. */
function sameUri(a: string, b: string): boolean {
  const normalised = normalisedUri(a);
  return normalised !== undefined && normalised === normalisedUri(b);
}

/** A URL without query and fragment, normalised (WHATWG URL serialisation); undefined when it is not a URL. */
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
  return verifyDpopProofNow(proof, check);
}

/**
 * {@link verifyDpopProof}'s answer, at once when the replay cache answers at once (ReplayCache.claimNow): no
 * promise, and no turn of the log context's promise hooks, on a resource server's hot path. A refusal throws
 * (or rejects, when the replay cache's answer is a promise).
 */
export function verifyDpopProofNow(proof: string | undefined, check: DpopProofCheck): DpopProof | Promise<DpopProof> {
  if (proof === undefined || proof === '') throw invalid('a DPoP proof is required');
  // Check 1 and 2: one JWT (dpop-jwt.ts).
  const parts = splitDpopProof(proof);
  // A header segment seen in an accepted proof before decodes to the same header and key (dpop-keys.ts).
  const known = check.keys?.knownHeader(parts.headerSegment);
  // Check 2, 3 and 5: the header a JSON object, an allowed asymmetric alg, a jwk (dpop-jwt.ts).
  const header = known ? known.header : parseProofHeader(parts.headerSegment);
  // Check 6: the jwk is a public key of the alg's type, imported once per server when a cache is given.
  const resolved = known
    ? { key: known.key, keep: () => {} }
    : check.keys
      ? withHeader(check.keys, parts.headerSegment, header, check.keys.resolve(header.alg, header.jwk))
      : withoutCache(importDpopKey(header.alg, header.jwk));
  if (!resolved) throw invalid('malformed DPoP proof');
  // Check 6: the signature verifies with that key.
  if (!signatureVerifies(resolved.key, parts.signingInput, proofSignature(parts))) throw invalid('DPoP proof signature does not verify');
  // Check 4 (typ) and the JWT time claims.
  const payload = proofClaims({ b64: header.b64, payload: parts.payload, header: header.header }, Math.floor(check.now));
  const { jti, htm, htu, iat, ath, nonce } = payload;
  // Check 7: the required claims.
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw invalid('the DPoP proof needs a jti');
  if (typeof htm !== 'string' || typeof htu !== 'string') throw invalid('the DPoP proof needs htm and htu');
  if (typeof iat !== 'number') throw invalid('the DPoP proof needs an iat');
  // Check 8: htm is the request's method.
  if (htm !== check.htm) throw invalid(`the DPoP proof is for ${htm.slice(0, 10)}, not ${check.htm}`);
  // Check 9: htu is the request's URI, without query and fragment.
  // The same string normalises the same: a client that sends the URL as the server built it needs only to hold a
  // URL, which URL.canParse answers without building one (a URL object and its href were 1.8% of the server's main
  // thread under DPoP load, canParse 0.8%; bench/HISTORY.md, round 2, eighth pass: perf10-dpop).
  if (!(htu === check.htu ? URL.canParse(htu) : sameUri(htu, check.htu))) throw invalid('the DPoP proof is for another URL (htu)');
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
    if (ath !== (check.accessTokenHash ?? sha256(check.accessToken))) throw invalid('the DPoP proof is for another access token (ath)');
  }
  // The proof passed every check of its own: its key may be kept for the client's next proofs.
  resolved.keep();
  const { jkt } = resolved.key;
  // RFC 9449 §11.1: a proof is used once; its jti is remembered for as long as its iat is acceptable.
  const key = `dpop:${jkt}:${jti}`;
  const expiresAt = iat + DPOP_MAX_AGE_SECONDS + DPOP_FUTURE_SKEW_SECONDS + 1;
  const fresh = check.replay.claimNow ? check.replay.claimNow(key, expiresAt) : check.replay.claim(key, expiresAt);
  const proofIfFresh = (claimed: boolean): DpopProof => {
    if (!claimed) throw invalid('the DPoP proof was already used (jti)');
    return { jkt, jti, iat };
  };
  return thenMaybe(fresh, proofIfFresh);
}

function withoutCache(key: ReturnType<typeof importDpopKey>) {
  return key && { key, keep: () => {} };
}

/** A key resolved through the cache whose `keep` also remembers the header segment it came in. */
function withHeader(keys: DpopKeyCache, headerSegment: string, header: ProofHeader, resolved: ReturnType<DpopKeyCache['resolve']>) {
  return (
    resolved && {
      key: resolved.key,
      keep: () => {
        resolved.keep();
        keys.keepHeader(headerSegment, { header, key: resolved.key });
      },
    }
  );
}
