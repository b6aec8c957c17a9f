import { Counter, Histogram } from '../observability/prom-client.js';
import type { Logger } from '../log/logger.js';
import type { AuditLog } from '../observability/audit.js';
import type { Metrics } from '../observability/metrics.js';
import type { ForwardedCall, GatewayObserver } from './observer.js';

/**
 * Records each forwarded tool call: an audit event (user, client, upstream, tool, outcome, latency; it joins the
 * client's flow, so the flow timeline shows it), and per-upstream series in /metrics. The audit log and the
 * registry exist once the MCP app is observed, after the gateway is built: `attach` hands them over.
 */
export class GatewayAudit implements GatewayObserver {
  private audit: AuditLog | undefined;
  private calls: Counter<'upstream' | 'outcome'> | undefined;
  private latency: Histogram<'upstream'> | undefined;

  constructor(private readonly logger: Logger) {}

  attachMetrics(metrics: Metrics, processes: () => Array<{ upstream: string; count: number }>): void {
    const registers = [metrics.registry];
    this.calls = new Counter({ name: 'gateway_calls_total', help: 'Tool calls forwarded upstream, by upstream and outcome', labelNames: ['upstream', 'outcome'], registers });
    this.latency = new Histogram({
      name: 'gateway_call_duration_seconds',
      help: 'Time from a forwarded tool call to its answer, by upstream',
      labelNames: ['upstream'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    metrics.gauge('gateway_upstream_connections', 'Live upstream connections (stdio: processes), by upstream', ['upstream'], () =>
      processes().map((p) => ({ labels: { upstream: p.upstream }, value: p.count })),
    );
  }

  attachAudit(audit: AuditLog): void {
    this.audit = audit;
  }

  forwarded(call: ForwardedCall): void {
    this.calls?.inc({ upstream: call.upstream, outcome: call.outcome });
    this.latency?.observe({ upstream: call.upstream }, call.latencyMs / 1000);
    const detail = `upstream=${call.upstream} tool=${call.tool ?? call.method} outcome=${call.outcome} latency_ms=${call.latencyMs.toFixed(1)}${call.error ? ` error=${call.error}` : ''}`;
    if (!this.audit) {
      this.logger.info({ ...call }, 'gateway call');
      return;
    }
    void this.audit
      .record({ type: 'gateway_call', outcome: call.outcome === 'success' || call.outcome === 'tool_error' ? 'success' : 'failure', clientId: call.clientId, subject: call.subject, detail })
      .catch((err: unknown) => this.logger.error({ err }, 'gateway audit failed'));
  }
}
