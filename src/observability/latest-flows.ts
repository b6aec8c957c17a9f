import { TtlCache } from '../cache/ttl-cache.js';

/** How long a client's current flow is taken from memory before the store is asked again. */
export const LATEST_FLOW_CACHE_MS = 1000;
const MAX_CLIENTS = 1000;

/**
 * Each client's current flow id, remembered for a second so that a token request does not read the flows
 * table (a fifth of its database time, bench/HISTORY.md). One per store in a process (AuditShared, audit.ts), shared
 * by every audit trail writing to it, and told of each flow this process starts: within a process it is never stale. A flow started
 * by another instance is seen within a second; an event in that second joins the client's previous flow.
 */
export type LatestFlows = TtlCache<string, LatestFlow>;

/** A client's current flow as this process knows it. */
export interface LatestFlow {
  flowId: string;
  /**
   * This process started the flow (within the cache's second) and has recorded no token in it since: it is the
   * flow an authorization request joins (audit.ts, policy `authorize`), known without reading the store.
   */
  open: boolean;
}

export function createLatestFlows(now: () => number = Date.now): LatestFlows {
  return new TtlCache({ maxEntries: MAX_CLIENTS, ttl: LATEST_FLOW_CACHE_MS, now });
}
