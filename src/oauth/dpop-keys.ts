import { calculateJwkThumbprint, EmbeddedJWK, type CompactJWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { TtlCache } from '../cache/ttl-cache.js';

/** What a proof's header resolved to: the imported public key and its RFC 7638 thumbprint. */
export interface DpopKey {
  key: CryptoKey;
  jkt: string;
}

/** Keys kept, and for how long (seconds), by default: a client sends many proofs with one key. */
const MAX_KEYS = 1024;
const KEY_TTL_SECONDS = 3600;

/**
 * Public keys of DPoP proofs already imported, so a client's next proof with the same key skips the JWK import
 * (most of a proof check, BENCHMARKS.md). The entry is keyed by the proof's alg and the whole `jwk` header as
 * sent, so a hit is exactly the input an earlier successful import had: the checks of the embedded key
 * (RFC 9449 §4.3 check 5 and 6: a public key, usable with that alg) gave the same answer then. A key is kept
 * only once a proof it verified has passed the signature and claim checks, so refused proofs cannot fill the
 * cache. Bounded (oldest first out) and timed on the injected clock; one per server, built with it.
 */
export class DpopKeyCache {
  private readonly keys: TtlCache<string, DpopKey>;

  constructor(clock: () => number, options: { maxEntries?: number; ttlSeconds?: number } = {}) {
    this.keys = new TtlCache({ maxEntries: options.maxEntries ?? MAX_KEYS, now: clock, ttl: options.ttlSeconds ?? KEY_TTL_SECONDS });
  }

  get size(): number {
    return this.keys.size;
  }

  /**
   * A key resolver for one proof (jose's `jwtVerify(proof, resolver.key)`): the cached key for this header, or
   * jose's EmbeddedJWK import. Once the proof has passed the signature and claim checks, `verified()` answers
   * the key's thumbprint and keeps a newly imported key.
   */
  resolver(): { key: (header: CompactJWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>; verified: () => Promise<string> } {
    let id: string | undefined;
    let hit: DpopKey | undefined;
    let imported: { key: CryptoKey; jwk: object } | undefined;
    return {
      key: async (header, token) => {
        // Only a plain object is looked up; anything else goes to EmbeddedJWK, which refuses it.
        if (header.jwk !== null && typeof header.jwk === 'object' && !Array.isArray(header.jwk)) {
          id = `${String(header.alg)} ${JSON.stringify(header.jwk)}`;
          hit = this.keys.get(id);
          if (hit) return hit.key;
        }
        const key = (await EmbeddedJWK(header, token)) as CryptoKey;
        imported = { key, jwk: header.jwk as object };
        return key;
      },
      verified: async () => {
        if (hit) return hit.jkt;
        if (!imported) throw new Error('DpopKeyCache: verified() before a key was resolved');
        // RFC 9449 §6.1: cnf.jkt is the RFC 7638 SHA-256 thumbprint of the proof's key.
        const jkt = await calculateJwkThumbprint(imported.jwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256');
        if (id !== undefined) this.keys.set(id, { key: imported.key, jkt });
        return jkt;
      },
    };
  }
}
