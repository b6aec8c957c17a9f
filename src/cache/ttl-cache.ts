/** How a TtlCache is bounded and timed. Times are in the unit of `now` (ms or s): the cache never mixes them. */
export interface TtlCacheOptions {
  /** Most entries kept; past it the oldest insertion goes. 0 keeps nothing. */
  maxEntries: number;
  /** The clock every expiry is read against; injected so tests move time instead of sleeping. */
  now: () => number;
  /** Lifetime of an entry set without one (`set(key, value)`); Infinity by default. */
  ttl?: number;
  /**
   * At capacity, first drop every expired entry, at most once per this many clock units, so live entries are
   * not evicted while dead ones hold their place. Unset: never sweep (the oldest simply goes).
   */
  sweepEvery?: number;
}

/**
 * The one in-memory cache of the project: a Map in insertion order whose entries expire on an injected clock
 * and whose size is bounded (the oldest insertion is evicted first, as in an LRU without the reordering on
 * read). Each short-lived cache (client records, flows, verified tokens, revocation answers, client metadata
 * documents, kept item lists) is one of these with its own bound and lifetime, built where its owner is built.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly sweepEvery: number | undefined;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: TtlCacheOptions) {
    this.maxEntries = options.maxEntries;
    this.now = options.now;
    this.ttl = options.ttl ?? Number.POSITIVE_INFINITY;
    this.sweepEvery = options.sweepEvery;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value while it lives; an expired entry is removed and reads as absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` for `ttl` clock units from now (the cache's default lifetime when omitted; Infinity allowed). */
  set(key: K, value: V, ttl: number = this.ttl): void {
    this.setUntil(key, value, this.now() + ttl);
  }

  /** Keeps `value` until the clock reaches `expiresAt`. A key set again moves to the newest place. */
  setUntil(key: K, value: V, expiresAt: number): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.makeRoom();
    this.entries.set(key, { value, expiresAt });
  }

  /** Replaces a live entry's value, keeping its expiry and place; nothing happens for an absent key. */
  update(key: K, change: (value: V) => V): void {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.expiresAt) entry.value = change(entry.value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  private makeRoom(): void {
    const now = this.now();
    if (this.sweepEvery !== undefined && now - this.lastSweep >= this.sweepEvery) {
      this.lastSweep = now;
      for (const [key, entry] of this.entries) if (now >= entry.expiresAt) this.entries.delete(key);
    }
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
