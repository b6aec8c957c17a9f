/**
 * Remembers identifiers that may be used once (a DPoP proof's `jti`, a client assertion's `jti`) until they
 * expire. `claim` is atomic: of two concurrent claims of one key, one gets true.
 * Shared implementations (PostgreSQL, Redis) are in http/shared-replay-cache.ts.
 */
export interface ReplayCache {
  /** True when `key` was not seen before (and is now remembered until `expiresAt`, Unix seconds); false on a replay. */
  claim(key: string, expiresAt: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A replay cache in this process (one instance). Bounded: past `maxEntries` expired keys are swept; a cache full
 * of live keys refuses new ones (a refusal is safe, forgetting a live key is not).
 */
export class MemoryReplayCache implements ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: () => number,
    private readonly maxEntries = 100_000,
  ) {}

  async claim(key: string, expiresAt: number): Promise<boolean> {
    const now = this.clock();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= this.maxEntries) {
      for (const [k, v] of this.seen) if (v <= now) this.seen.delete(k);
      if (this.seen.size >= this.maxEntries) return false;
    }
    this.seen.set(key, expiresAt);
    return true;
  }

  async close(): Promise<void> {
    this.seen.clear();
  }
}
