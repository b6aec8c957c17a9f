import type { Context, Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Logger } from '../log/logger.js';
import type { VerifiedToken } from '../resource-server/types.js';
import type { Store } from '../store/store.js';
import { AuditLog, type AuditShared } from './audit.js';
import { auditEventSink } from './audit-events.js';
import { McpFlowTracker } from './mcp-flows.js';
import { Metrics } from './metrics.js';
import { observedApp, type ReadinessChecks } from './observe.js';

/** `shared`: the audit queue and flow cache of every server of this process on this store (audit.ts AuditShared). */
type Base = { store: Store; clock: Clock; logger: Logger; shared?: AuditShared | undefined };

/** The authorization server's metrics and audit trail, to put on its deps before its routes are built. */
export function authServerObservability(base: Base): { metrics: Metrics; audit: AuditLog } {
  const metrics = new Metrics('oauth-server');
  return { metrics, audit: new AuditLog({ ...base, metrics }) };
}

/** The authorization server behind its request context, /metrics and /ready (database reachable, signing key loaded). */
export function observeAuthServer(app: Hono, deps: Base & { keys: KeyRing; metrics: Metrics; metricsToken?: string | undefined }): Hono {
  return observedApp(app, {
    logger: deps.logger,
    metrics: deps.metrics,
    metricsToken: deps.metricsToken,
    ready: { database: () => deps.store.ping(), keys: async () => deps.keys.signingKey() },
  });
}

/**
 * Why the resource server refused a request, read from its challenge (RS-3, RS-4, RS-6): missing_token,
 * invalid_request, insufficient_scope, or invalid_token with its stable reason ("token expired" ...).
 */
export function challengeReason(status: number, header: string | null | undefined): string | undefined {
  if (status !== 401 && status !== 403 && status !== 400) return undefined;
  if (!header || !/^bearer\b/i.test(header)) return undefined;
  const error = /error="([^"]*)"/.exec(header)?.[1];
  if (!error) return 'missing_token';
  if (error !== 'invalid_token') return error;
  const description = /error_description="([^"]*)"/.exec(header)?.[1] ?? '';
  const slug = description.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 48);
  return slug ? `invalid_token:${slug}` : 'invalid_token';
}

export interface McpObservabilityOptions extends Omit<Base, 'store'> {
  /** The authorization server's store, when shared: the audit trail and the flows' first MCP call are kept there. */
  store?: Store | undefined;
  /** Open MCP sessions, read when /metrics is scraped. */
  sessions: () => { streamable: number; sse: number };
  /** Readiness of the issuer's keys (the JWKS cache has a key set). */
  keysReady: () => Promise<unknown>;
  /** Called with the app's audit trail, so its owner can flush it on close. */
  onAudit?: (audit: AuditLog) => void;
  /** METRICS_TOKEN (observe.ts). */
  metricsToken?: string | undefined;
}

/** What the MCP server's observability does for a route node:http answers directly (http/direct-route.ts), as requestContext and `after` do on Hono. */
export interface McpRequestObserver {
  logger: Logger;
  metrics: Metrics;
  /**
   * Once the answer is ready: a bearer refusal is counted by reason, and a verified caller's flow learns of its
   * first MCP call (status below 400 only).
   */
  answered(path: string, status: number, wwwAuthenticate: string | null | undefined, token: VerifiedToken | undefined): void | Promise<void>;
}

/**
 * The MCP server behind its request context, /metrics (with the open sessions and the resource server's
 * refusals by reason) and /ready (database reachable, issuer keys loaded). After each request with a verified
 * token, the client's flow learns of its first MCP call. `observer` does the same for direct routes.
 */
export function observeMcpServer(app: Hono, opts: McpObservabilityOptions): { app: Hono; observer: McpRequestObserver } {
  const metrics = new Metrics('mcp-server');
  metrics.gauge('mcp_active_sessions', 'Open MCP sessions, by transport', ['transport'], () => {
    const s = opts.sessions();
    return [
      { labels: { transport: 'streamable_http' }, value: s.streamable },
      { labels: { transport: 'sse' }, value: s.sse },
    ];
  });
  const { store } = opts;
  const audit = store && new AuditLog({ store, clock: opts.clock, logger: opts.logger, metrics, shared: opts.shared });
  if (audit) opts.onAudit?.(audit);
  // The MCP side emits its calls to the same sink as the authorization server's handlers (audit-events.ts).
  const flows = store && audit && new McpFlowTracker({ events: auditEventSink(audit, store, opts.clock), logger: opts.logger });
  const answered: McpRequestObserver['answered'] = (path, status, wwwAuthenticate, token) => {
    const reason = challengeReason(status, wwwAuthenticate);
    if (reason) metrics.authFailure(path.startsWith('/api/') ? 'api' : 'mcp', reason);
    if (flows && token && status < 400) return flows.called(token, path);
  };
  const after = async (c: Context) => answered(c.req.path, c.res.status, c.res.headers.get('www-authenticate'), c.get('auth') as VerifiedToken | undefined);
  const ready: ReadinessChecks = store ? { database: () => store.ping(), keys: opts.keysReady } : { keys: opts.keysReady };
  return {
    app: observedApp(app, { logger: opts.logger, metrics, ready, after, metricsToken: opts.metricsToken }),
    observer: { logger: opts.logger, metrics, answered },
  };
}
