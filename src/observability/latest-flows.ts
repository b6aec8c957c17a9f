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
export class LatestFlows {
  private readonly byClient = new Map<string, { flowId: string; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(clientId: string): string | undefined {
    const hit = this.byClient.get(clientId);
    if (hit && this.now() - hit.at < LATEST_FLOW_CACHE_MS) return hit.flowId;
    return undefined;
  }

  set(clientId: string, flowId: string): void {
    this.byClient.delete(clientId);
    if (this.byClient.size >= MAX_CLIENTS) this.byClient.delete(this.byClient.keys().next().value!);
    this.byClient.set(clientId, { flowId, at: this.now() });
  }
}

const perStore = new WeakMap<Store, LatestFlows>();

/** The cache of a store, as auditQueueOf() gives its queue. */
export function latestFlowsOf(store: Store): LatestFlows {
  let flows = perStore.get(store);
  if (!flows) perStore.set(store, (flows = new LatestFlows()));
  return flows;
}
