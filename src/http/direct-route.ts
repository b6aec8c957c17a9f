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
   * Answers the request; `false` (before writing anything) leaves an unusual one to the next direct route for the
   * same method and path, then to the Hono app. A route that decides later, before writing anything, hands the
   * request to the Hono app with `pass`: `pass(body)` with the body it has read (the app reads those bytes),
   * `pass()` with the body unread.
   */
  handle(req: IncomingMessage, res: ServerResponse, pass: (body?: Buffer) => void): void | false;
}

/**
 * The app as a node request listener, with `direct` routes (exact method and path, any query) in front.
 * `hostname` completes request URLs that arrive without a Host header, as @hono/node-server's serve() does.
 */
export function requestListener(app: Hono, direct: readonly DirectRoute[] = [], hostname?: string): RequestListener {
  const viaHono = getRequestListener(app.fetch, hostname === undefined ? {} : { hostname });
  if (direct.length === 0) return viaHono;
  // @hono/node-server builds the request body from `rawBody` when a body parser has already drained the stream.
  const passOn = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => {
    if (body !== undefined) (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    void viaHono(req, res);
  };
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    for (const route of direct) {
      // `pass` made only for a route that may answer (an anonymous closure: nothing more per request).
      if (route.path === path && route.method === req.method && route.handle(req, res, (body?: Buffer) => passOn(req, res, body)) !== false) return;
    }
    void viaHono(req, res);
  };
}

/** A route's fixed headers, flattened once into writeHead's raw form (name, value, name, value, ...). */
export interface FixedHeaders {
  readonly flat: readonly string[];
  readonly names: ReadonlySet<string>;
  /**
   * The fixed headers followed by `own`, then Content-Type, Content-Length and X-Request-Id (the last two values
   * left to fill), flat; null when one of `own` replaces a fixed or a last header (the merging path). Remembered for the last frozen `own` (one that cannot change): the answers of a route mostly
   * share one (no-store).
   */
  headWith(own: Readonly<Record<string, string>>): readonly string[] | null;
}

export function fixedHeaders(headers: Readonly<Record<string, string>>): FixedHeaders {
  const flat = Object.entries(headers).flat();
  const names = new Set(Object.keys(headers));
  let lastOwn: Readonly<Record<string, string>> | undefined;
  let lastHead: readonly string[] | null = null;
  // The head as writeHead takes it, with the last three headers' slots at its end (their values set per answer).
  const build = (own: Readonly<Record<string, string>>): readonly string[] | null => {
    const head = [...flat];
    for (const name of Object.keys(own)) {
      if (names.has(name) || LAST.has(name)) return null;
      head.push(name, own[name]!);
    }
    head.push('Content-Type', 'application/json', 'Content-Length', '', 'X-Request-Id', '');
    return head;
  };
  return {
    flat,
    names,
    headWith(own) {
      if (own === lastOwn) return lastHead;
      const head = build(own);
      if (Object.isFrozen(own)) {
        lastOwn = own;
        lastHead = head;
      }
      return head;
    },
  };
}

/** Written after the answer's own headers, over any of the same name. */
const LAST = new Set(['Content-Type', 'Content-Length', 'X-Request-Id']);

/**
 * Writes a JSON answer of a direct route as the Hono app would: the route's fixed headers, then the answer's own,
 * then Content-Type, Content-Length and X-Request-Id over both. Nothing is written to a destroyed response.
 * The head goes to writeHead as one flat list, the fixed part built once (no object merged per answer, which
 * node would then walk key by key); an answer header that replaces a fixed one takes the merging path, where
 * it keeps the fixed header's place, so the bytes are the same either way.
 */
export function writeJsonAnswer(
  res: ServerResponse,
  out: { status: number; body: unknown; headers: Record<string, string> },
  fixed: FixedHeaders,
  reqId: string,
): void {
  const json = JSON.stringify(out.body);
  if (res.destroyed) return;
  const prefix = fixed.headWith(out.headers);
  if (prefix === null) {
    const merged: Record<string, string | number> = {};
    for (let i = 0; i < fixed.flat.length; i += 2) merged[fixed.flat[i]!] = fixed.flat[i + 1]!;
    res.writeHead(out.status, { ...merged, ...out.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), 'X-Request-Id': reqId });
  } else {
    // A copy of exactly its size (nothing pushed after it, so no second allocation); writeHead keeps none of it.
    const head: Array<string | number> = prefix.slice();
    head[head.length - 3] = Buffer.byteLength(json);
    head[head.length - 1] = reqId;
    res.writeHead(out.status, head as string[]);
  }
  res.end(json);
}
