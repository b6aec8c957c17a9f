import { sha256 } from './crypto.js';

/**
 * Remembers identifiers that may be used once (a DPoP proof's `jti`, a client assertion's `jti`) until they
 * expire. `claim` is atomic: of two concurrent claims of one key, one gets true.
 * Shared implementations (PostgreSQL, Redis) are in http/shared-replay-cache.ts.
 */
export interface ReplayCache {
  /** True when `key` was not seen before (and is now remembered until `expiresAt`, Unix seconds); false on a replay. */
  claim(key: string, expiresAt: number): Promise<boolean>;
  /** claim's answer, at once where the cache has it at once (this process's): no promise on the hot path. */
  claimNow?(key: string, expiresAt: number): boolean | Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A replay cache in this process (one instance). Bounded: a cache full of live keys refuses new ones (a refusal is
 * safe, forgetting a live key is not). Expired keys leave from the oldest end at each claim: keys arrive in about
 * the order they expire (a proof's key lives a fixed time past its iat), so the map stays the size of the live
 * window at O(1) a claim. A key that outlives those behind it only delays their removal; when the map is full, one
 * scan of the whole map runs at most once a second, so a full cache under load never scans per request.
 */
export class MemoryReplayCache implements ReplayCache {
  /**
   * Keys are kept as their SHA-256: ~100 bytes an entry whatever the key. A key built by concatenation
   * (`dpop:${jkt}:${jti}`) kept its parts and cost ~600 bytes (measured with 100,000 keys), and a jti may be 256 long.
   */
  private readonly seen = new Map<string, number>();
  private lastFullSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: () => number,
    private readonly maxEntries = 250_000,
  ) {}

  async claim(claimed: string, expiresAt: number): Promise<boolean> {
    return this.claimNow(claimed, expiresAt);
  }

  claimNow(claimed: string, expiresAt: number): boolean {
    const key = sha256(claimed);
    const now = this.clock();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    for (const [k, v] of this.seen) {
      if (v > now) break;
      this.seen.delete(k);
    }
    if (this.seen.size >= this.maxEntries && now - this.lastFullSweep >= 1) {
      this.lastFullSweep = now;
      for (const [k, v] of this.seen) if (v <= now) this.seen.delete(k);
    }
    if (this.seen.size >= this.maxEntries) return false;
    // An expired entry of the same key is gone by now or is replaced here at the newest end.
    this.seen.delete(key);
    this.seen.set(key, expiresAt);
    return true;
  }

  /** How many keys are remembered (expired ones not yet removed included). */
  get size(): number {
    return this.seen.size;
  }

  async close(): Promise<void> {
    this.seen.clear();
  }
}
