import type { ClientRecord } from '../store/store.js';

/** How long a client record read from the store is reused before it is read again. */
export const CLIENT_CACHE_MS = 1000;
const MAX_CLIENTS = 1000;

/**
 * Registered clients read in the last second, so that a burst of token requests from one client reads its row
 * once (a fifth of a token request's database time, BENCHMARKS.md). The cost, written down in docs/security.md:
 * a client removed or changed by another process (`oauth-mcp clients remove`, another instance) can still
 * authenticate for up to a second, well inside the 5 s a revoked token may still pass the resource server.
 * Unknown clients are never cached. One per app, on its deps (auth-server/clients.ts).
 */
export class ClientCache {
  private readonly byId = new Map<string, { client: ClientRecord; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(clientId: string): ClientRecord | undefined {
    const hit = this.byId.get(clientId);
    if (hit && this.now() - hit.at < CLIENT_CACHE_MS) return hit.client;
    if (hit) this.byId.delete(clientId);
    return undefined;
  }

  set(client: ClientRecord): void {
    this.byId.delete(client.clientId);
    if (this.byId.size >= MAX_CLIENTS) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(client.clientId, { client, at: this.now() });
  }

  /** The client was deleted (RFC 7592 §2.3): not served from here again. */
  forget(clientId: string): void {
    this.byId.delete(clientId);
  }

  /** The client was just marked used in the store: the cached copy says so too, so it is not marked again. */
  touched(clientId: string, lastUsedAt: number): void {
    const hit = this.byId.get(clientId);
    if (hit) hit.client = { ...hit.client, lastUsedAt };
  }
}
