import type { McpServer } from '@modelcontextprotocol/server';

/**
 * Idle SDK servers for the stateless 2026-07-28 path. createMcpHandler asks its factory for an instance per
 * request and refuses one that is still connected to a transport; building one costs ~300 µs (design.md), so
 * hand back an idle instance when there is one. An instance is idle again once its per-request transport has
 * closed, which the SDK does at the end of each exchange. Measured here: ~230 µs per tools/call pooled against
 * ~350 µs fresh, and a flat heap.
 */
export class ServerPool {
  private readonly servers: McpServer[] = [];

  constructor(
    private readonly create: () => McpServer,
    /** Instances kept for reuse; more are built under a burst and then left to the garbage collector. */
    private readonly maxIdle = 32,
  ) {}

  acquire(): McpServer {
    const idle = this.servers.find((s) => s.server.transport === undefined);
    if (idle) return idle;
    const fresh = this.create();
    if (this.servers.length < this.maxIdle) this.servers.push(fresh);
    return fresh;
  }

  get size(): number {
    return this.servers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close().catch(() => {})));
    this.servers.length = 0;
  }
}
