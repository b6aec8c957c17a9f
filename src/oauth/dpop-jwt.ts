import { isUtf8 } from 'node:buffer';
import { DPOP_ALGORITHMS, type DpopAlgorithm } from './dpop-keys.js';
import { OAuthError } from './errors.js';
import { isJsonObject } from '../json-object.js';

/**
 * The JOSE layer of a DPoP proof, parsed by hand so the signature can be checked with node:crypto's synchronous
 * verify (dpop-keys.ts) instead of jose's WebCrypto one. It refuses what jose's jwtVerify refused, with the
 * descriptions clients got from it: the order of the checks (header, alg, key, signature, claims) is jose's, so
 * a proof wrong in two ways gets the same answer as before.
 */

/** Far above any proof a client sends; refused before any parsing. */
const MAX_PROOF_LENGTH = 4096;

export const invalidProof = (description: string, cause?: unknown) => new OAuthError('invalid_dpop_proof', description, { cause });
const malformed = (cause?: unknown) => invalidProof('malformed DPoP proof', cause);

/** A proof's JOSE header, decoded and checked: all that depends on the header segment alone. */
export interface ProofHeader {
  alg: DpopAlgorithm;
  jwk: Record<string, unknown>;
  header: Record<string, unknown>;
  /** False only for a `crit: ["b64"]`, `b64: false` header (RFC 7797): a JWT cannot have one (refused after the signature, as jose did). */
  b64: boolean;
}

/** A DPoP proof split into its compact JWS parts (RFC 7515 §7.1). */
export interface ProofParts {
  /** The first segment as sent: a client sends the same one with each proof of a key (dpop-keys.ts caches by it). */
  headerSegment: string;
  /** What the signature covers: the first two segments as sent, with their dot (RFC 7515 §5.2 step 8). */
  signingInput: Buffer;
  payload: string;
  signature: string;
}

/** A DPoP proof split into its parts, the header decoded and checked. */
export type ParsedProof = ProofHeader & ProofParts;

/** base64url without padding (RFC 7515 §2); a length of 4n+1 characters cannot encode whole bytes. */
function decodeSegment(segment: string): Buffer {
  if (segment.length % 4 === 1) throw malformed();
  return Buffer.from(segment, 'base64url');
}

/**
 * A segment holding a JSON object in strict UTF-8 (RFC 7515 §5.2 steps 2 to 4, RFC 7519 §7.2 step 10). Stricter
 * than jose, the library this check replaced: its decoder put U+FFFD in place of invalid UTF-8 and read on, while
 * here a header or payload that is not valid UTF-8 is a malformed proof.
 */
function decodeJsonObject(segment: string): Record<string, unknown> {
  const bytes = decodeSegment(segment);
  if (!isUtf8(bytes)) throw malformed();
  let value: unknown;
  try {
    // A leading BOM is dropped, as the WHATWG UTF-8 decoder jose used dropped it.
    value = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw malformed(cause);
  }
  if (!isJsonObject(value)) throw malformed();
  return value;
}

/**
 * RFC 7515 §4.1.11: `crit` lists extensions that must be understood; the only one understood is b64 (RFC 7797),
 * which must then be a boolean. Answers whether the payload is base64url encoded.
 */
function payloadIsEncoded(header: Record<string, unknown>): boolean {
  const { crit } = header;
  if (crit === undefined) return true;
  if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => typeof name !== 'string' || name === '')) throw malformed();
  if (crit.some((name) => name !== 'b64')) throw malformed();
  if (typeof header.b64 !== 'boolean') throw malformed();
  return header.b64;
}

/**
 * Splits a proof: RFC 9449 §4.3 check 1 and 2 (one well-formed JWT: three base64url segments).
 */
export function splitDpopProof(proof: string): ProofParts {
  // Node joins repeated DPoP headers with ", ", which this refuses too.
  if (proof.length > MAX_PROOF_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(proof)) {
    throw invalidProof('the DPoP header must hold exactly one JWT');
  }
  const first = proof.indexOf('.');
  const second = proof.indexOf('.', first + 1);
  return {
    headerSegment: proof.slice(0, first),
    signingInput: Buffer.from(proof.slice(0, second), 'latin1'),
    payload: proof.slice(first + 1, second),
    signature: proof.slice(second + 1),
  };
}

/**
 * Checks a proof's header segment: a JSON object, check 5 (alg one of DPOP_ALGORITHMS: never none or a MAC) and a
 * `jwk` object to import (check 6, dpop-keys.ts). `typ` is checked with the claims, after the signature, as before.
 */
export function parseProofHeader(headerSegment: string): ProofHeader {
  const header = decodeJsonObject(headerSegment);
  const b64 = payloadIsEncoded(header);
  const { alg, jwk } = header;
  if (typeof alg !== 'string' || alg === '') throw malformed();
  if (!(DPOP_ALGORITHMS as readonly string[]).includes(alg)) throw invalidProof('DPoP proof algorithm not allowed');
  if (!isJsonObject(jwk)) throw malformed();
  return { alg: alg as DpopAlgorithm, jwk, header, b64 };
}

/** {@link splitDpopProof} and {@link parseProofHeader}: a proof split, its header checked. */
export function parseDpopProof(proof: string): ParsedProof {
  const parts = splitDpopProof(proof);
  return { ...parseProofHeader(parts.headerSegment), ...parts };
}

/** The proof's signature, decoded; a segment that is not base64url is malformed (checked before verifying). */
export function proofSignature(proof: Pick<ParsedProof, 'signature'>): Buffer {
  return decodeSegment(proof.signature);
}

/** RFC 7515 §4.1.9: typ is a media type, compared case-insensitively, "application/" optional. */
const mediaType = (value: string) => (value.includes('/') ? value.toLowerCase() : `application/${value.toLowerCase()}`);

/**
 * The claims of a proof whose signature verified: a JSON object (RFC 7519 §7.2), typ dpop+jwt (RFC 9449 §4.3
 * check 4), and the JWT time claims when present: iat, nbf and exp numbers, nbf not after now, exp after now.
 * The DPoP claims themselves (jti, htm, htu, iat window, ath, nonce) are dpop-proof.ts's.
 */
export function proofClaims(proof: Pick<ParsedProof, 'b64' | 'payload' | 'header'>, now: number): Record<string, unknown> {
  // RFC 7797 §6: an unencoded payload is not a JWT.
  if (!proof.b64) throw malformed();
  const claims = decodeJsonObject(proof.payload);
  const { typ } = proof.header;
  if (typeof typ !== 'string' || mediaType(typ) !== 'application/dpop+jwt') throw invalidProof('the DPoP proof must have typ dpop+jwt');
  const { iat, nbf, exp } = claims;
  if (iat !== undefined && typeof iat !== 'number') throw malformed();
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) throw malformed();
  if (exp !== undefined && typeof exp !== 'number') throw malformed();
  if (typeof exp === 'number' && exp <= now) throw invalidProof('the DPoP proof has expired');
  return claims;
}
