import { TtlCache } from '../cache/ttl-cache.js';
import type { ClientRecord } from '../store/store.js';

/** How long a client record read from the store is reused before it is read again. */
export const CLIENT_CACHE_MS = 1000;
const MAX_CLIENTS = 1000;

/**
 * Registered clients read in the last second, by client_id, so that a burst of token requests from one client
 * reads its row once (a fifth of a token request's database time, bench/HISTORY.md). The cost, written down in
 * docs/security.md: a client removed or changed by another process (`oauth-mcp clients remove`, another
 * instance) can still authenticate for up to a second, well inside the 5 s a revoked token may still pass the
 * resource server. Unknown clients are never cached. One per app, on its deps (auth-server/clients.ts).
 */
export type ClientCache = TtlCache<string, ClientRecord>;

export function createClientCache(now: () => number = Date.now): ClientCache {
  return new TtlCache({ maxEntries: MAX_CLIENTS, ttl: CLIENT_CACHE_MS, now });
}
