import type { Logger } from '../log/logger.js';
import type { Caller } from '../resource-server/types.js';
import type { ServerToClientMethod, UpstreamConnection, UpstreamEvents } from './upstream-connection.js';

/** A downstream session attached to an upstream connection: where that connection's notifications and requests go. */
export interface DownstreamSink {
  notification(n: { method: string; params?: Record<string, unknown> }): void;
  /** Undefined when this downstream client lacks the capability. */
  request?(method: ServerToClientMethod, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Record<string, unknown>> | undefined;
  /** When it last sent a request: server-to-client requests go to the most recently active sink. */
  lastActive: number;
}

/** A clear JSON-RPC-facing refusal: the upstream is down, restarting or over its cap. */
export class UpstreamUnavailable extends Error {}

interface Slot {
  key: string;
  connection: Promise<UpstreamConnection> | undefined;
  sinks: Set<DownstreamSink>;
  inFlight: number;
  lastUsed: number;
  /** Unexpected ends in a row; reset by a request that succeeds. */
  failures: number;
  /** No new start before this time (milliseconds). */
  retryAt: number;
  lastError?: string;
}

export interface ConnectionPoolOptions {
  /** `per-user`: one connection (one process for stdio) per key; `shared`: one for everyone. */
  isolation: 'per-user' | 'shared';
  /** What separates users: the subject for stdio; subject, client and scopes for HTTP (each gets its own identity). */
  keyOf: (caller: Caller) => string;
  connect: (caller: Caller, events: UpstreamEvents) => Promise<UpstreamConnection>;
  maxTotal: number;
  idleMs: number;
  logger: Logger;
  now?: () => number;
  /** Called when a connection starts or ends, for the process gauge. */
  onChange?: () => void;
}

/** Backoff before the n-th restart in a row: the first at once (a killed process comes back on the next call), then 1 s, 2 s, ... up to 30 s. */
export const restartDelayMs = (failures: number) => (failures <= 1 ? 0 : Math.min(30_000, 1000 * 2 ** (failures - 2)));

/**
 * Upstream connections by user (stdio: processes). A user's first request starts their connection; it ends
 * after idleMs with no request in flight. A connection that ends on its own
 * (crash, kill, flood) is started again on the next request, with a growing delay when it keeps failing; until
 * then requests get UpstreamUnavailable. At maxTotal the longest-idle connection is ended to make room, or the
 * request is refused when every one is busy. One user's connection is never handed to another (keyOf).
 */
export class ConnectionPool {
  private readonly slots = new Map<string, Slot>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly opts: ConnectionPoolOptions) {
    this.now = opts.now ?? Date.now;
    this.sweeper = setInterval(() => void this.reap(), Math.max(250, Math.min(opts.idleMs / 2, 10_000)));
    this.sweeper.unref();
  }

  private slotKey(caller: Caller): string {
    return this.opts.isolation === 'shared' ? '*' : this.opts.keyOf(caller);
  }

  /** Attaches a downstream session for the caller; returns the detach function. */
  attach(caller: Caller, sink: DownstreamSink): () => void {
    const slot = this.slotFor(this.slotKey(caller));
    slot.sinks.add(sink);
    return () => {
      slot.sinks.delete(sink);
      slot.lastUsed = this.now();
    };
  }

  /** Runs one request on the caller's connection, starting it when needed. */
  async use<T>(caller: Caller, run: (connection: UpstreamConnection) => Promise<T>): Promise<T> {
    const slot = this.slotFor(this.slotKey(caller));
    slot.inFlight++;
    slot.lastUsed = this.now();
    try {
      const connection = await this.connectionOf(slot, caller);
      const result = await run(connection);
      slot.failures = 0;
      return result;
    } finally {
      slot.inFlight--;
      slot.lastUsed = this.now();
    }
  }

  /** The live connections, for the process gauge and tests: key and pid. */
  live(): Array<{ key: string; pid: number | undefined }> {
    return [...this.slots.values()].filter((s) => s.connection).map((s) => ({ key: s.key, pid: this.pids.get(s.key) }));
  }

  private readonly pids = new Map<string, number | undefined>();

  private slotFor(key: string): Slot {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { key, connection: undefined, sinks: new Set(), inFlight: 0, lastUsed: this.now(), failures: 0, retryAt: 0 };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private async connectionOf(slot: Slot, caller: Caller): Promise<UpstreamConnection> {
    if (slot.connection) return slot.connection;
    const wait = slot.retryAt - this.now();
    if (wait > 0) throw new UpstreamUnavailable(`upstream is restarting after a failure (${slot.lastError ?? 'unknown'}); retry in ${Math.ceil(wait / 1000)} s`);
    if (this.liveCount() >= this.opts.maxTotal && !(await this.evictIdle())) {
      throw new UpstreamUnavailable(`upstream has ${this.opts.maxTotal} connections in use, its limit; retry later`);
    }
    const started = this.opts.connect(caller, this.eventsFor(slot));
    slot.connection = started;
    try {
      const connection = await started;
      this.pids.set(slot.key, connection.pid);
      this.opts.onChange?.();
      return connection;
    } catch (err) {
      if (slot.connection === started) slot.connection = undefined;
      this.failed(slot, (err as Error).message);
      throw new UpstreamUnavailable(`upstream failed to start: ${(err as Error).message}`);
    }
  }

  private failed(slot: Slot, reason: string): void {
    slot.failures++;
    slot.lastError = reason;
    slot.retryAt = this.now() + restartDelayMs(slot.failures);
  }

  private eventsFor(slot: Slot): UpstreamEvents {
    const sinks = () => [...slot.sinks];
    return {
      notification: (n) => {
        for (const sink of sinks()) sink.notification(n);
      },
      request: async (method, params, signal) => {
        const ordered = sinks().sort((a, b) => b.lastActive - a.lastActive);
        for (const sink of ordered) {
          const answer = sink.request?.(method, params, signal);
          if (answer) return answer;
        }
        throw new Error(`no connected client supports ${method}`);
      },
      closed: (expected, reason) => {
        slot.connection = undefined;
        this.pids.delete(slot.key);
        this.opts.onChange?.();
        if (expected) return;
        this.opts.logger.warn({ key: slot.key, reason }, 'gateway: upstream connection ended; restarting on the next request');
        this.failed(slot, reason);
      },
    };
  }

  private liveCount(): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.connection) n++;
    return n;
  }

  private async evictIdle(): Promise<boolean> {
    const idle = [...this.slots.values()].filter((s) => s.connection && s.inFlight === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!idle) return false;
    await this.end(idle);
    return true;
  }

  private async end(slot: Slot): Promise<void> {
    const connection = slot.connection;
    slot.connection = undefined;
    if (slot.sinks.size === 0) this.slots.delete(slot.key);
    await connection?.then((c) => c.close()).catch(() => {});
  }

  /** Ends connections idle for idleMs (no request in flight); runs on a timer, callable by tests. */
  async reap(): Promise<void> {
    const cutoff = this.now() - this.opts.idleMs;
    for (const slot of [...this.slots.values()]) {
      // An open session does not keep a process alive: its next request starts a new one (docs/gateway.md).
      if (slot.inFlight > 0 || slot.lastUsed > cutoff) continue;
      if (slot.connection) await this.end(slot);
      else if (slot.retryAt <= this.now()) this.slots.delete(slot.key);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(all.map((s) => s.connection?.then((c) => c.close()).catch(() => {})));
  }
}
