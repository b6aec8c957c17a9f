import type { McpServer } from '@modelcontextprotocol/server';

interface Slot {
  server: McpServer;
  /** The request the instance was handed out for, until that request's exchange has been answered. */
  lease: object | undefined;
}

/**
 * Idle SDK servers for the stateless 2026-07-28 path. createMcpHandler asks its factory for an instance per
 * request and refuses one that is still connected to a transport; building one cost ~300 µs when each registered
 * its own tools (~15 µs now that they share one table, server-factory.ts), so hand back an idle instance when there
 * is one. Measured then: ~230 µs per tools/call pooled against ~350 µs fresh, and a flat heap.
 *
 * An instance is leased to one request from the factory call until the caller releases that request (the
 * entry awaits between the factory call and connecting its transport, so "not connected" alone would hand
 * one instance to two concurrent requests), and it is reused only once its transport has closed too (an SSE
 * answer outlives the fetch call).
 */
export class ServerPool {
  private readonly slots: Slot[] = [];

  constructor(
    private readonly create: () => McpServer,
    /** Instances kept for reuse; more are built under a burst and then left to the garbage collector. */
    private readonly maxIdle = 32,
  ) {}

  acquire(lease: object): McpServer {
    const idle = this.slots.find((s) => s.lease === undefined && s.server.server.transport === undefined);
    if (idle) {
      idle.lease = lease;
      return idle.server;
    }
    const server = this.create();
    if (this.slots.length < this.maxIdle) this.slots.push({ server, lease });
    return server;
  }

  /** Ends the leases of a request whose exchange has been answered. */
  release(lease: object): void {
    for (const slot of this.slots) if (slot.lease === lease) slot.lease = undefined;
  }

  get size(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.server.close().catch(() => {})));
    this.slots.length = 0;
  }
}
