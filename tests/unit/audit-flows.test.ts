import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { AuditLog } from '../../src/observability/audit.js';
import { AuditWriteQueue } from '../../src/observability/audit-queue.js';
import { createLatestFlows, LATEST_FLOW_CACHE_MS } from '../../src/observability/latest-flows.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * Which flow an authorization request joins (interop note 14): the client's current flow while it has no token,
 * else a new one. Right after a registration in this process that flow is known without reading the store.
 */
describe('audit trail: the flow an authorization request joins (observability/audit.ts)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
  });
  afterAll(() => store.close());

  const trail = (nowMs: () => number) => {
    const logger = silentLogger();
    const shared = { queue: new AuditWriteQueue({ store, logger }), latestFlows: createLatestFlows(nowMs) };
    return new AuditLog({ store, clock: () => 1_000_000, logger, shared });
  };

  it("joins the flow its registration started without reading the store, and starts a new one once that flow has a token", async () => {
    const audit = trail(() => 0);
    const reads = vi.spyOn(store, 'latestFlowForClient');
    const registered = await audit.record({ type: 'client_registered', clientId: 'c1' });
    expect(await audit.record({ type: 'authorization_requested', clientId: 'c1' })).toBe(registered);
    expect(reads).not.toHaveBeenCalled();
    await audit.record({ type: 'token_issued', clientId: 'c1', flowId: registered!, grantType: 'authorization_code' });
    await audit.flush(); // the flow's token time is written behind the response
    const next = await audit.record({ type: 'authorization_requested', clientId: 'c1' });
    expect(next).not.toBe(registered);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
  });

  it('past the cache lifetime the store decides: the same flow while it has no token', async () => {
    let now = 0;
    const audit = trail(() => now);
    const registered = await audit.record({ type: 'client_registered', clientId: 'c2' });
    now += LATEST_FLOW_CACHE_MS;
    const reads = vi.spyOn(store, 'latestFlowForClient');
    expect(await audit.record({ type: 'authorization_requested', clientId: 'c2' })).toBe(registered);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
  });
});
