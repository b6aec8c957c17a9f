import { CellHistogram } from './cell-histogram.js';
import { CounterCells } from './metric-cells.js';
import { Counter, Gauge, Registry } from './prom-client.js';

/** Label values that come from data (failure reasons) are bounded: past this many distinct ones, "other". */
const MAX_REASONS = 64;

/** http_request_duration_seconds' upper bounds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of one server, in a registry of its own (never prom-client's global default, so two
 * servers in one process, or tests, do not share counters). Served as text at GET /metrics. What every request
 * or token counts (`request`, `auditEvent`, `tokenIssued`) is counted in cells per label set and given to
 * prom-client when the metrics are read (metric-cells.ts), the request durations in a histogram of our own
 * (cell-histogram.ts): the same exposition, without prom-client's label string per update.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: CellHistogram<'route' | 'method'>;
  readonly tokensIssued: Counter<'grant_type'>;
  readonly authFailures: Counter<'endpoint' | 'reason'>;
  readonly auditEvents: Counter<'type' | 'outcome'>;
  readonly auditDropped: Counter;
  private readonly reasons = new Set<string>();
  private readonly requestCells: CounterCells;
  private readonly auditCells: CounterCells;
  private readonly tokenCells: CounterCells;

  constructor(readonly service: 'oauth-server' | 'mcp-server') {
    const defaultLabels = { service };
    this.registry.setDefaultLabels(defaultLabels);
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
      collect: () => this.requestCells.collect(),
    });
    this.httpDuration = new CellHistogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer (to the response headers; streams excluded), by route pattern and method',
      labelNames: ['route', 'method'],
      buckets: DURATION_BUCKETS,
      defaultLabels,
      registers,
    });
    this.tokensIssued = new Counter({
      name: 'oauth_tokens_issued_total',
      help: 'Access tokens issued by the token endpoint, by grant type',
      labelNames: ['grant_type'],
      registers,
      collect: () => this.tokenCells.collect(),
    });
    this.authFailures = new Counter({
      name: 'auth_failures_total',
      help: 'Refused authentication or authorization, by endpoint and reason (error code, or the bearer challenge reason)',
      labelNames: ['endpoint', 'reason'],
      registers,
    });
    this.auditEvents = new Counter({
      name: 'audit_events_total',
      help: 'Audit events recorded, by type and outcome',
      labelNames: ['type', 'outcome'],
      registers,
      collect: () => this.auditCells.collect(),
    });
    this.auditDropped = new Counter({
      name: 'audit_events_dropped_total',
      help: 'Audit events dropped unwritten because the write-behind queue was full (database unavailable)',
      registers,
    });
    this.requestCells = new CounterCells(this.httpRequests, ['route', 'method', 'status']);
    this.auditCells = new CounterCells(this.auditEvents, ['type', 'outcome']);
    this.tokenCells = new CounterCells(this.tokensIssued, ['grant_type']);
  }

  /** An answered request: http_requests_total and http_request_duration_seconds. */
  request(route: string, method: string, status: number, seconds: number): void {
    this.requestCells.inc(route, method, status);
    this.httpDuration.observe(seconds, route, method);
  }

  /** An audit event recorded: audit_events_total. */
  auditEvent(type: string, outcome: 'success' | 'failure'): void {
    this.auditCells.inc(type, outcome);
  }

  /** An access token issued: oauth_tokens_issued_total. */
  tokenIssued(grantType: string): void {
    this.tokenCells.inc(grantType);
  }

  /** A gauge read when scraped, e.g. the open MCP sessions. */
  gauge(name: string, help: string, labelNames: string[], read: () => Array<{ labels: Record<string, string>; value: number }>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        for (const { labels, value } of read()) this.set(labels, value);
      },
    });
  }

  /** Counts a refusal; reasons past the first MAX_REASONS distinct ones are counted as "other". */
  authFailure(endpoint: string, reason: string): void {
    let r = reason;
    if (!this.reasons.has(r)) {
      if (this.reasons.size >= MAX_REASONS) r = 'other';
      else this.reasons.add(r);
    }
    this.authFailures.inc({ endpoint, reason: r });
  }

  /** The text exposition format, and its content type. */
  async exposition(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
