import type { Store } from '../store/store.js';
import type { ClientCache } from './client-cache.js';

/**
 * last_used_at is kept to the minute, not to the request: it tells an operator whether a client or grant is in
 * use, and the purge of never-used public clients reads only whether it is set. Writing it on every token
 * request was one of the writes on the hot path (BENCHMARKS.md, scenario 4).
 */
export const TOUCH_GRANULARITY_SECONDS = 60;

/** Whether a last_used_at read at `now` is due to be written again. */
export const isTouchStale = (lastUsedAt: number | null, now: number): boolean => lastUsedAt === null || now - lastUsedAt >= TOUCH_GRANULARITY_SECONDS;
const stale = isTouchStale;

/** Records that the client was used, unless the record in hand says it was within the last minute. */
export async function touchClientIfStale(
  deps: { store: Store; clientCache?: ClientCache | undefined },
  client: { clientId: string; lastUsedAt: number | null },
  now: number,
): Promise<void> {
  if (!stale(client.lastUsedAt, now)) return;
  await deps.store.touchClient(client.clientId, now);
  deps.clientCache?.update(client.clientId, (cached) => ({ ...cached, lastUsedAt: now }));
}

/** The same for a grant, when the caller has its record. */
export async function touchGrantIfStale(store: Store, grant: { id: string; lastUsedAt: number | null }, now: number): Promise<void> {
  if (stale(grant.lastUsedAt, now)) await store.touchGrant(grant.id, now);
}
