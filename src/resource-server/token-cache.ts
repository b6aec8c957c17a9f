import type { VerifiedToken } from './types.js';

/**
 * Verified tokens by their exact string, so a repeated token skips signature work. Bounded: when full, expired
 * entries are swept (at most once a minute) and then the oldest entry goes. An entry is served only while the
 * verifier itself would still accept the token (exp plus the same skew).
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxEntries: number,
    private readonly skewSeconds: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string, now: number): VerifiedToken | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (this.expired(hit, now)) {
      this.entries.delete(token);
      return undefined;
    }
    return hit;
  }

  set(token: string, value: VerifiedToken, now: number): void {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      if (now - this.lastSweep >= 60) {
        this.lastSweep = now;
        for (const [k, v] of this.entries) if (this.expired(v, now)) this.entries.delete(k);
      }
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
    }
    this.entries.set(token, value);
  }

  /** Mirrors jose's rule: a token is expired once exp <= now - skew. */
  private expired(v: VerifiedToken, now: number): boolean {
    return v.expiresAt <= now - this.skewSeconds;
  }
}
