import { Counter, Gauge, Histogram, Registry } from './prom-client.js';

/** Label values that come from data (failure reasons) are bounded: past this many distinct ones, "other". */
const MAX_REASONS = 64;

/**
 * The Prometheus metrics of one server, in a registry of its own (never prom-client's global default, so two
 * servers in one process, or tests, do not share counters). Served as text at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method'>;
  readonly tokensIssued: Counter<'grant_type'>;
  readonly authFailures: Counter<'endpoint' | 'reason'>;
  readonly auditEvents: Counter<'type' | 'outcome'>;
  readonly auditDropped: Counter;
  private readonly reasons = new Set<string>();

  constructor(readonly service: 'oauth-server' | 'mcp-server') {
    this.registry.setDefaultLabels({ service });
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer (to the response headers; streams excluded), by route pattern and method',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.tokensIssued = new Counter({
      name: 'oauth_tokens_issued_total',
      help: 'Access tokens issued by the token endpoint, by grant type',
      labelNames: ['grant_type'],
      registers,
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
    });
    this.auditDropped = new Counter({
      name: 'audit_events_dropped_total',
      help: 'Audit events dropped unwritten because the write-behind queue was full (database unavailable)',
      registers,
    });
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
