import type { Logger } from '../log/logger.js';
import type { AuditWrite, Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

export interface AuditQueueOptions {
  /** A batch is written this long after its first event at the latest. */
  flushMs?: number;
  /** ... or as soon as it holds this many events. */
  maxBatch?: number;
  /** Events held while the database refuses them; past this the oldest are dropped (and counted). */
  maxPending?: number;
}

/**
 * Audit rows written behind the response (BENCHMARKS.md, scenario 4): events wait here and are written in one
 * transaction every `flushMs` or `maxBatch` events, so a token request does not wait for two or three
 * writes. The price (docs/observability.md): the events of the last ~100 ms are lost if the process dies, and
 * a reader in another process sees them that much later. Never blocks or fails a request: when the database
 * is down the events wait, bounded, dropping the oldest. In-process readers call `flush()` first.
 */
export class AuditWriteQueue {
  private pending: AuditWrite[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;

  constructor(
    private readonly deps: { store: Store; logger: Logger; metrics?: Metrics | undefined },
    opts: AuditQueueOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxPending = opts.maxPending ?? 10_000;
  }

  push(write: AuditWrite): void {
    this.pending.push(write);
    this.trim();
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  /** Writes everything queued so far; resolves when it is stored (or, the database failing, logged and kept). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.deps.store.writeAudit(batch).then(
      () => undefined,
      (err: unknown) => {
        this.deps.logger.error({ err, events: batch.length }, 'audit events could not be stored; kept for the next attempt');
        // Back in front of what came meanwhile, in order; the bound drops the oldest.
        this.pending = [...batch, ...this.pending];
        this.trim();
        this.timer ??= setTimeout(() => void this.flush(), Math.max(this.flushMs, 1000)).unref();
      },
    );
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  get size(): number {
    return this.pending.length;
  }

  private trim(): void {
    const over = this.pending.length - this.maxPending;
    if (over <= 0) return;
    this.pending.splice(0, over);
    this.deps.metrics?.auditDropped.inc(over);
    this.deps.logger.error({ dropped: over }, 'audit queue full: oldest events dropped');
  }
}
