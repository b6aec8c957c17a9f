import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { AuditWriteQueue } from '../../src/observability/audit-queue.js';
import { Metrics } from '../../src/observability/metrics.js';
import type { AuditWrite, Store } from '../../src/store/store.js';

const write = (n: number): AuditWrite => ({
  event: { at: n, type: 'token_issued', outcome: 'success', clientId: 'c', subject: null, flowId: null, rule: null, error: null, detail: `#${n}`, requestId: null, expiresAt: n + 1 },
});

/** A store whose writeAudit records the batches, or fails while `down` is set. */
function fakeStore() {
  const batches: number[][] = [];
  const state = { down: false };
  const store = {
    async writeAudit(batch: readonly AuditWrite[]) {
      if (state.down) throw new Error('database unavailable');
      batches.push(batch.map((w) => w.event.at));
    },
  } as unknown as Store;
  return { store, batches, state };
}

describe('audit write-behind queue (observability/audit-queue.ts)', () => {
  it('writes nothing in the request; flush() writes everything queued, in order, as one batch', async () => {
    const { store, batches } = fakeStore();
    const queue = new AuditWriteQueue({ store, logger: silentLogger() }, { flushMs: 60_000 });
    for (let i = 1; i <= 3; i++) queue.push(write(i));
    expect(batches).toStrictEqual([]);
    await queue.flush();
    expect(batches).toStrictEqual([[1, 2, 3]]);
    await queue.flush();
    expect(batches).toHaveLength(1);
  });

  it('writes by itself after flushMs, and at once when a batch is full', async () => {
    const { store, batches } = fakeStore();
    vi.useFakeTimers();
    try {
      const timed = new AuditWriteQueue({ store, logger: silentLogger() }, { flushMs: 10 });
      timed.push(write(1));
      await vi.advanceTimersByTimeAsync(9);
      expect(batches).toStrictEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toStrictEqual([[1]]);
    } finally {
      vi.useRealTimers();
    }
    const full = new AuditWriteQueue({ store, logger: silentLogger() }, { flushMs: 60_000, maxBatch: 2 });
    full.push(write(2));
    full.push(write(3));
    await full.flush();
    expect(batches).toStrictEqual([[1], [2, 3]]);
  });

  it('never fails the caller when the database is down: keeps the events, bounded, dropping the oldest (counted)', async () => {
    const { store, batches, state } = fakeStore();
    const metrics = new Metrics('oauth-server');
    const queue = new AuditWriteQueue({ store, logger: silentLogger(), metrics }, { flushMs: 60_000, maxPending: 3 });
    state.down = true;
    queue.push(write(1));
    queue.push(write(2));
    await expect(queue.flush()).resolves.toBeUndefined();
    for (let i = 3; i <= 5; i++) queue.push(write(i));
    expect(queue.size).toBe(3);
    expect((await metrics.auditDropped.get()).values[0]?.value).toBe(2);
    state.down = false;
    await queue.flush();
    expect(batches).toStrictEqual([[3, 4, 5]]);
  });
});
