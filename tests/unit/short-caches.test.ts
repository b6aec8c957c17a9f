import { describe, expect, it } from 'vitest';
import { CLIENT_CACHE_MS, createClientCache } from '../../src/auth-server/client-cache.js';
import { LATEST_FLOW_CACHE_MS, createLatestFlows } from '../../src/observability/latest-flows.js';
import { touchClientIfStale } from '../../src/auth-server/touch.js';
import type { ClientRecord, Store } from '../../src/store/store.js';

/** The one-second caches of the token path (BENCHMARKS.md, scenario 4; their bounds are in docs/security.md and docs/observability.md). */

const client = (clientId: string, lastUsedAt: number | null = null): ClientRecord =>
  ({ clientId, lastUsedAt, clientSecretHash: 'h', tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['client_credentials'] }) as unknown as ClientRecord;

describe('ClientCache', () => {
  it('serves a record for CLIENT_CACHE_MS, then asks the store again', () => {
    let now = 1_000;
    const cache = createClientCache(() => now);
    cache.set('a', client('a'));
    now += CLIENT_CACHE_MS - 1;
    expect(cache.get('a')?.clientId).toBe('a');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('never-seen')).toBeUndefined();
  });

  it('a touch updates the cached last_used_at, so the client is not marked used again at every request', async () => {
    const cache = createClientCache(() => 0);
    const touches: string[] = [];
    const store = { touchClient: async (id: string) => void touches.push(id) } as unknown as Store;
    cache.set('a', client('a', null));
    await touchClientIfStale({ store, clientCache: cache }, client('a', null), 1_800_000_000);
    expect(cache.get('a')?.lastUsedAt).toBe(1_800_000_000);
    await touchClientIfStale({ store, clientCache: cache }, cache.get('a')!, 1_800_000_001);
    expect(touches).toStrictEqual(['a']);
    await touchClientIfStale({ store, clientCache: cache }, client('absent', null), 1); // nothing cached: no entry made
    expect(cache.get('absent')).toBeUndefined();
  });

  it('keeps at most 1000 clients, dropping the oldest', () => {
    const cache = createClientCache(() => 0);
    for (let i = 0; i <= 1000; i++) cache.set(`c${i}`, client(`c${i}`));
    expect(cache.get('c0')).toBeUndefined();
    expect(cache.get('c1')?.clientId).toBe('c1');
    expect(cache.get('c1000')?.clientId).toBe('c1000');
  });
});

describe('LatestFlows', () => {
  it("remembers a client's flow for LATEST_FLOW_CACHE_MS; a newer flow replaces it at once", () => {
    let now = 0;
    const flows = createLatestFlows(() => now);
    flows.set('a', { flowId: 'fl_1', open: true });
    flows.set('a', { flowId: 'fl_2', open: false });
    expect(flows.get('a')).toStrictEqual({ flowId: 'fl_2', open: false });
    now += LATEST_FLOW_CACHE_MS;
    expect(flows.get('a')).toBeUndefined();
  });
});
