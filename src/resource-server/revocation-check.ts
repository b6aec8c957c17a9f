import type { GrantRecord, Store } from '../store/store.js';

/** What the check reads: the two store lookups, nothing else of the authorization server. */
export type RevocationSource = Pick<Store, 'isAccessTokenRevoked'> & { getGrant(id: string): Promise<Pick<GrantRecord, 'revokedAt'> | undefined> };

export interface RevocationCheckOptions {
  /** How long a "not revoked" answer is reused, in milliseconds: the most a revocation can take to bite. */
  ttlMs?: number;
  /** Entries kept per cache before the oldest go. */
  maxEntries?: number;
  /** Milliseconds; injected so tests move time instead of sleeping (docs/conventions.md). */
  now?: () => number;
}

export const DEFAULT_REVOCATION_TTL_MS = 5_000;

/** A small map of answers: "revoked" is final and kept; "not revoked" is trusted for ttlMs only. */
class AnswerCache {
  private readonly entries = new Map<string, { revoked: boolean; at: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}
  get(key: string, now: number): boolean | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.revoked || now - e.at < this.ttlMs) return e.revoked;
    this.entries.delete(key);
    return undefined;
  }
  set(key: string, revoked: boolean, now: number): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { revoked, at: now });
  }
}

/**
 * The resource server's revocation hook: an access token is refused once its jti was revoked (RFC 7009, the
 * revocation endpoint) or once the grant it was issued under (its `grant_id` claim) was revoked, e.g. from
 * /account. Answers are cached for `ttlMs` (5 s by default), so a revocation reaches every token within
 * that bound while a busy token costs at most one pair of lookups per 5 s. A grant id that no longer exists
 * counts as revoked (fail closed).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export function revocationCheck(source: RevocationSource, options: RevocationCheckOptions = {}) {
  const ttl = options.ttlMs ?? DEFAULT_REVOCATION_TTL_MS;
  const max = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const byJti = new AnswerCache(ttl, max);
  const byGrant = new AnswerCache(ttl, max);

  const cached = async (cache: AnswerCache, key: string, lookup: () => Promise<boolean>) => {
    const t = now();
    const hit = cache.get(key, t);
    if (hit !== undefined) return hit;
    const revoked = await lookup();
    cache.set(key, revoked, t);
    return revoked;
  };

  return async function isRevoked(jti: string, token?: { grantId?: string | undefined }): Promise<boolean> {
    const grantId = token?.grantId;
    const [jtiRevoked, grantRevoked] = await Promise.all([
      cached(byJti, jti, () => source.isAccessTokenRevoked(jti)),
      grantId
        ? cached(byGrant, grantId, async () => {
            const grant = await source.getGrant(grantId);
            return !grant || grant.revokedAt !== null;
          })
        : false,
    ]);
    return jtiRevoked || grantRevoked;
  };
}
