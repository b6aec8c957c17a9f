import { Hono, type Context } from 'hono';
import { errorHandler } from '../http/error-handler.js';
import { requestContext } from '../http/request-context.js';
import type { Logger } from '../log/logger.js';
import { constantTimeEqual } from '../oauth/crypto.js';
import type { Metrics } from './metrics.js';

/** One readiness check: resolves when the dependency is usable, throws (with a reason for the log) when not. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** A check that hangs counts as failed after this long: a probe must answer. */
const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(p: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Whether an Authorization header carries exactly this bearer token (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
  return presented !== undefined && constantTimeEqual(presented, token);
}

/**
 * Wraps a server's app with what operators need: the request context (request id, log context, per-request
 * log line, metrics) in front of every route, and GET /metrics (Prometheus text) and GET /ready (every check
 * passes: 200; otherwise 503 naming the failed checks, details in the log). GET /health stays the app's own
 * liveness answer.
 */
export function observedApp(
  app: Hono,
  opts: {
    logger: Logger;
    metrics: Metrics;
    ready: ReadinessChecks;
    after?: (c: Context) => Promise<void>;
    /** METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`. */
    metricsToken?: string | undefined;
  },
): Hono {
  const outer = new Hono();
  outer.onError(errorHandler(opts.logger));
  // The wrapped app's notFound does not travel with its routes; the same answer here.
  outer.notFound((c) => c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404));
  outer.use('*', requestContext({ logger: opts.logger, metrics: opts.metrics, ...(opts.after && { after: opts.after }) }));
  // Mounted before /metrics and /ready, so the app's own middleware (security headers, Host check) covers them too.
  outer.route('/', app);
  outer.get('/metrics', async (c) => {
    if (opts.metricsToken !== undefined && !bearerMatches(c.req.header('authorization'), opts.metricsToken)) {
      // RFC 6750 §3: a bearer challenge, as a Prometheus scrape config with `authorization: credentials` expects.
      return c.json({ error: 'invalid_token', error_description: 'GET /metrics needs the METRICS_TOKEN bearer token' }, 401, {
        'WWW-Authenticate': 'Bearer realm="metrics"',
        'Cache-Control': 'no-store',
      });
    }
    const { body, contentType } = await opts.metrics.exposition();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
  outer.get('/ready', async (c) => {
    const names = Object.keys(opts.ready);
    const results = await Promise.allSettled(names.map((n) => withTimeout(opts.ready[n]!())));
    const checks: Record<string, 'ok' | 'failed'> = {};
    results.forEach((r, i) => {
      checks[names[i]!] = r.status === 'fulfilled' ? 'ok' : 'failed';
      if (r.status === 'rejected') opts.logger.warn({ check: names[i], err: (r.reason as Error)?.message }, 'readiness check failed');
    });
    const ready = results.every((r) => r.status === 'fulfilled');
    return c.json({ status: ready ? 'ready' : 'not_ready', service: opts.metrics.service, checks }, ready ? 200 : 503, { 'Cache-Control': 'no-store' });
  });
  return outer;
}
