import { TtlCache } from '../cache/ttl-cache.js';
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
  const byJti = new TtlCache<string, boolean>({ maxEntries: max, ttl, now });
  const byGrant = new TtlCache<string, boolean>({ maxEntries: max, ttl, now });

  // "Revoked" is final and kept; "not revoked" is trusted for ttlMs only.
  const cached = async (cache: TtlCache<string, boolean>, key: string, lookup: () => Promise<boolean>) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const revoked = await lookup();
    cache.set(key, revoked, revoked ? Number.POSITIVE_INFINITY : ttl);
    return revoked;
  };

  // Answered at once when both answers are cached (every request of a busy token): no promise to make or wait for.
  return function isRevoked(jti: string, token?: { grantId?: string | undefined }): boolean | Promise<boolean> {
    const grantId = token?.grantId;
    const jtiHit = byJti.get(jti);
    const grantHit = grantId ? byGrant.get(grantId) : false;
    if (jtiHit !== undefined && grantHit !== undefined) return jtiHit || grantHit;
    return lookedUp(jti, grantId);
  };

  async function lookedUp(jti: string, grantId: string | undefined): Promise<boolean> {
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
  }
}
