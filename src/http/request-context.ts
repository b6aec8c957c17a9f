import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { runWithLogContext } from '../log/context.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { setResponseHeader } from './response-headers.js';

/** An incoming X-Request-Id is kept only if it is a short token of safe characters; anything else is replaced. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Probes are logged at debug, so a scraper every few seconds does not fill the log. */
const QUIET = new Set(['/health', '/ready', '/metrics']);

/** The request id of a request: the caller's, if it is a short safe token, else a new UUID. */
export function requestIdFor(incoming: string | undefined): string {
  return incoming !== undefined && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The route pattern that answered (e.g. `/oauth/token`, `/mcp/v1`), never the raw path, so metric labels stay
 * few. Middleware is registered for method ALL; the last matched route of a real method is the handler's.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

/**
 * First middleware of each server: gives the request its id (echoed as X-Request-Id), runs it inside a log
 * context so every line logged meanwhile carries the id (and the flow id once an endpoint knows it), then logs
 * one line for the request and records its metrics. `after` runs once the response is ready (MCP: flow of the
 * verified caller).
 */
export function requestContext(opts: { logger: Logger; metrics: Metrics; after?: (c: Context) => Promise<void> }): MiddlewareHandler {
  return async (c, next) => {
    const reqId = requestIdFor(c.req.header('x-request-id'));
    const ctx = { reqId } as { reqId: string; flowId?: string; clientId?: string };
    await runWithLogContext(ctx, async () => {
      const started = performance.now();
      try {
        await next();
      } finally {
        if (opts.after) await opts.after(c).catch((err: unknown) => opts.logger.error({ err }, 'after-response hook failed'));
        setResponseHeader(c, 'X-Request-Id', reqId);
        recordRequest(opts, { method: c.req.method, path: c.req.path, route: routeLabel(c), status: c.res.status, started });
      }
    });
  };
}

/**
 * The metrics and the log line of one answered request, for requestContext and the routes node:http answers
 * directly (http/direct-route.ts). `started` is performance.now() when the request came in.
 */
export function recordRequest(
  opts: { logger: Logger; metrics?: Pick<Metrics, 'request'> },
  r: { method: string; path: string; route: string; status: number; started: number },
): void {
  const seconds = (performance.now() - r.started) / 1000;
  opts.metrics?.request(r.route, r.method, r.status, seconds);
  const quiet = QUIET.has(r.path);
  // The line is built only when it will be written.
  if (!opts.logger.isLevelEnabled(quiet ? 'debug' : 'info')) return;
  const line = { method: r.method, path: r.path, route: r.route, status: r.status, ms: Math.round(seconds * 10_000) / 10 };
  if (quiet) opts.logger.debug(line, 'request');
  else opts.logger.info(line, 'request');
}
