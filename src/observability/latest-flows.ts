import { TtlCache } from '../cache/ttl-cache.js';
import type { Store } from '../store/store.js';

/** How long a client's current flow is taken from memory before the store is asked again. */
export const LATEST_FLOW_CACHE_MS = 1000;
const MAX_CLIENTS = 1000;

/**
 * Each client's current flow id, remembered for a second so that a token request does not read the flows
 * table (a fifth of its database time, BENCHMARKS.md). One per store in a process, shared by every audit trail
 * writing to it, and told of each flow this process starts: within a process it is never stale. A flow started
 * by another instance is seen within a second; an event in that second joins the client's previous flow.
 */
export type LatestFlows = TtlCache<string, string>;

export function createLatestFlows(now: () => number = Date.now): LatestFlows {
  return new TtlCache({ maxEntries: MAX_CLIENTS, ttl: LATEST_FLOW_CACHE_MS, now });
}

const perStore = new WeakMap<Store, LatestFlows>();

/** The cache of a store, as auditQueueOf() gives its queue. */
export function latestFlowsOf(store: Store): LatestFlows {
  let flows = perStore.get(store);
  if (!flows) perStore.set(store, (flows = createLatestFlows()));
  return flows;
}
