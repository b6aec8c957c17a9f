import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * An endpoint answered by node:http directly, ahead of the Hono app: only for a hot path whose cost is mostly
 * the web-standard Request/Response layer (BENCHMARKS.md, scenario 4). The Hono app keeps the same route, so
 * `app.request()` and other hosts still reach it; a test holds the two to the same answers.
 */
export interface DirectRoute {
  method: string;
  path: string;
  /**
   * Answers the request; `false` (before writing anything) leaves an unusual one to the Hono app instead, and so
   * does a later call of `toApp`, made before anything is written and with the body unread (or kept in
   * `req.rawBody`, which @hono/node-server reads in its place).
   */
  handle(req: IncomingMessage, res: ServerResponse, toApp: () => void): void | false;
}

/**
 * The app as a node request listener, with `direct` routes (exact method and path, any query) in front.
 * `hostname` completes request URLs that arrive without a Host header, as @hono/node-server's serve() does.
 */
export function requestListener(app: Hono, direct: readonly DirectRoute[] = [], hostname?: string): RequestListener {
  const viaHono = getRequestListener(app.fetch, hostname === undefined ? {} : { hostname });
  if (direct.length === 0) return viaHono;
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const route = direct.find((r) => r.path === path && r.method === req.method);
    if (!route || route.handle(req, res, () => void viaHono(req, res)) === false) void viaHono(req, res);
  };
}
