import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { TtlCache } from '../cache/ttl-cache.js';
import { sha256 } from './crypto.js';
import type { ProofHeader } from './dpop-jwt.js';

/**
 * Proof algorithms accepted (RFC 9449 §4.3 check 5: asymmetric, supported), each with the one key type it takes
 * (RFC 7518 §3.4: ES256 on P-256; RFC 8037 §3.1: EdDSA on Ed25519). `Ed25519` is the fully-specified name of
 * EdDSA over Ed25519 (RFC 9864), which oauth4webapi sends.
 */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519'] as const;
export type DpopAlgorithm = (typeof DPOP_ALGORITHMS)[number];
const KEY_TYPES: Record<DpopAlgorithm, { kty: 'EC' | 'OKP'; crv: string }> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
};

/** A proof's public key, imported for its alg, and its RFC 7638 thumbprint. */
export interface DpopKey {
  alg: DpopAlgorithm;
  key: KeyObject;
  jkt: string;
}

/**
 * Imports the `jwk` header of a proof signed with `alg` (RFC 9449 §4.3 check 6: the key the signature is checked
 * with, and a public key only). Undefined for what the WebCrypto import through jose refused before: `ext` not
 * a boolean, `use` other than sig, an `alg` member other than the header's, a key type or curve other than the
 * alg's, a private key (`d`), `key_ops` other than ["verify"], coordinates that are not a point of the curve.
 */
export function importDpopKey(alg: DpopAlgorithm, jwk: Record<string, unknown>): DpopKey | undefined {
  const { kty, crv } = KEY_TYPES[alg];
  if (jwk.ext !== undefined && typeof jwk.ext !== 'boolean') return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.alg !== undefined && jwk.alg !== alg) return undefined;
  if (jwk.kty !== kty || jwk.crv !== crv) return undefined;
  // RFC 9449 §4.3 check 6: the jwk "MUST NOT contain a private key".
  if (jwk.d !== undefined) return undefined;
  // A public key verifies and does nothing else (WebCrypto's import rules for key_ops).
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.length === 1 && jwk.key_ops[0] === 'verify')) return undefined;
  const { x, y } = jwk;
  if (typeof x !== 'string' || x === '' || (kty === 'EC' && (typeof y !== 'string' || y === ''))) return undefined;
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  const members = kty === 'EC' ? { crv, kty, x, y } : { crv, kty, x };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: members as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  // RFC 9449 §6.1: cnf.jkt is the SHA-256 thumbprint of the proof's key.
  return { alg, key, jkt: sha256(JSON.stringify(members)) };
}

/**
 * Checks a proof's signature with node:crypto's synchronous verify (a WebCrypto verify goes through the thread
 * pool, ~3x the cost here; bench/HISTORY.md). RFC 7518 §3.4: an ES256 signature is R || S, 64 bytes (ieee-p1363),
 * not DER; a signature of another length does not verify. RFC 8037 §3.1: Ed25519 signs the input itself.
 */
export function signatureVerifies(key: DpopKey, signingInput: Buffer, signature: Buffer): boolean {
  try {
    return key.alg === 'ES256'
      ? verify('sha256', signingInput, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature)
      : verify(null, signingInput, key.key, signature);
  } catch {
    return false;
  }
}

/** Keys kept, and for how long (seconds), by default: a client sends many proofs with one key. */
const MAX_KEYS = 1024;
const KEY_TTL_SECONDS = 3600;

/** A proof header seen before in a proof that passed every check: its decoded parts and its key, imported. */
export interface KnownProofHeader {
  header: ProofHeader;
  key: DpopKey;
}

/**
 * Public keys of DPoP proofs already imported, so a client's next proof with the same key skips the JWK import
 * and thumbprint. Two views, each bounded (oldest first out) and timed on the injected clock:
 * - `resolve`: keyed by the proof's alg and the whole `jwk` header as sent, so a hit is exactly the input an
 *   earlier successful import had: the checks of the embedded key (RFC 9449 §4.3 check 5 and 6: a public key,
 *   usable with that alg) gave the same answer then.
 * - `knownHeader`: keyed by the proof's header segment as sent (a client sends the same one with every proof of a
 *   key), so a hit also skips decoding the header: the same characters decode to the same header, which passed
 *   check 2 (a JSON object), check 5 (the alg) and check 6 (the key) then. The typ, the signature and the claims
 *   are still checked on every proof.
 * A key or header is kept only once a proof it verified has passed the signature and claim checks (`keep`), so
 * refused proofs cannot fill the cache. One per server, built with it.
 */
export class DpopKeyCache {
  private readonly keys: TtlCache<string, DpopKey>;
  private readonly headers: TtlCache<string, KnownProofHeader>;

  constructor(clock: () => number, options: { maxEntries?: number; ttlSeconds?: number } = {}) {
    const bounds = { maxEntries: options.maxEntries ?? MAX_KEYS, now: clock, ttl: options.ttlSeconds ?? KEY_TTL_SECONDS };
    this.keys = new TtlCache(bounds);
    this.headers = new TtlCache(bounds);
  }

  /** Keys kept by `resolve`. */
  get size(): number {
    return this.keys.size;
  }

  /**
   * The key of this proof header: cached, or imported now (importDpopKey; undefined when refused); `keep()`
   * caches an imported one.
   */
  resolve(alg: DpopAlgorithm, jwk: Record<string, unknown>): { key: DpopKey; keep: () => void } | undefined {
    const id = `${alg} ${JSON.stringify(jwk)}`;
    const hit = this.keys.get(id);
    if (hit) return { key: hit, keep: () => {} };
    const key = importDpopKey(alg, jwk);
    return key && { key, keep: () => this.keys.set(id, key) };
  }

  /** The header and key of an earlier accepted proof whose header segment was exactly `headerSegment`. */
  knownHeader(headerSegment: string): KnownProofHeader | undefined {
    return this.headers.get(headerSegment);
  }

  /** Remembers a header segment of a proof that passed every check, with what it decoded to and its key. */
  keepHeader(headerSegment: string, known: KnownProofHeader): void {
    this.headers.set(headerSegment, known);
  }
}
