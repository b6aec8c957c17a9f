import { validateHostHeader } from '@modelcontextprotocol/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { allowlistCorsHeaders } from '../http/cors.js';
import type { DirectRoute } from '../http/direct-route.js';
import { errorAnswer } from '../http/error-answer.js';
import { recordRequest, requestIdFor } from '../http/request-context.js';
import { runWithLogContext } from '../log/context.js';
import type { McpRequestObserver } from '../observability/wire.js';
import { checkBearer, type BearerOptions } from '../resource-server/bearer.js';
import { challengeHeaders } from '../resource-server/challenge.js';
import type { VerifiedToken } from '../resource-server/types.js';
import type { McpSettings } from './deps.js';
import { jsonRpcErrorBody } from './http/json-rpc-error.js';
import { originAllowed, originRefusal } from './http/origin-check.js';

/** What a protected GET answers a verified caller: status, JSON body and headers (no Content-Type: it is JSON). */
export interface ReadAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * A GET route of a program's API (mounted beside the MCP endpoint) that a running server answers from
 * node:http directly: its exact path, the bearer check its Hono route uses, and the same framework-free answer
 * the Hono route returns. A parity test holds the two to the same status, body and headers.
 */
export interface DirectRead {
  path: string;
  bearer: BearerOptions;
  answer(token: VerifiedToken): Promise<ReadAnswer>;
}

/** What the MCP server's Hono app puts around every route, as values read once (mcp/app.ts, observability/wire.ts). */
export interface DirectReadContext {
  settings: Pick<McpSettings, 'corsOrigins' | 'origin'>;
  /** Host names accepted on a loopback bind (mcp/app.ts allowedHostnames); undefined: Host is not checked. */
  hosts: readonly string[] | undefined;
  /** The app's security headers (http/security-headers.ts secureHeaderValues). */
  securityHeaders: Readonly<Record<string, string>>;
  observer: McpRequestObserver;
}

/**
 * A Host the Hono path would take as it is (lower case name or address, optional port) and a request target of
 * characters the URL parser keeps as they are (@hono/node-server's list, and `%`: a query's percent-encoding is
 * kept too): anything else is left to the Hono app, whose URL parsing decides it.
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::\d{1,5})?$/;
const PLAIN_TARGET = /^\/[!#$%&-;=?-[\]_a-z~]*$/;

/** A header as `Headers.get` reads it on @hono/node-server: every line of it, joined with ", " (node keeps only the first Authorization and Host). */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  if (req.headers[name] === undefined) return undefined;
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && n.toLowerCase() === name) value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/** Node joins other repeated headers with ", ", as Headers.get does. */
const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

interface Out {
  status: number;
  json: string;
  headers: Record<string, string>;
  /** CORS headers are set by the allowlist middleware, which sits after the Host check (mcp/app.ts). */
  cors: boolean;
}

const jsonOut = (status: number, body: unknown, headers: Record<string, string> = {}, cors = true): Out => ({
  status,
  json: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', ...headers },
  cors,
});

/**
 * GET routes of the program's API answered by node:http directly (http/direct-route.ts), in the order the MCP
 * server's Hono app applies its layers: request id and log context, security headers, the Host check on a
 * loopback bind, CORS from the allowlist (RS-10), the Origin check (TR-5), the bearer check (RS-3 to RS-9),
 * then the route's answer; a thrown error is the one error renderer's 500. The refusal metrics, the caller's
 * flow, the request metrics and log line follow as on Hono (observability/wire.ts). Nothing builds a web
 * Request or Response: that layer cost more than the read itself (BENCHMARKS.md, scenario 2).
 */
export function directReads(ctx: DirectReadContext, reads: readonly DirectRead[]): DirectRoute[] {
  const corsFor = allowlistCorsHeaders(ctx.settings.corsOrigins);
  const originOk = originAllowed({ allowlist: ctx.settings.corsOrigins, publicUrl: ctx.settings.origin });
  const { observer } = ctx;
  const hosts = ctx.hosts && [...ctx.hosts];
  const hostNames = new Set(hosts);
  // A plain Host (PLAIN_HOST) naming an allowed host with a valid port is what validateHostHeader accepts, without
  // its URL parse; anything else goes to validateHostHeader itself, which also words the refusal.
  const hostAllowed = (host: string): boolean => {
    const colon = host.indexOf(':');
    return colon === -1 ? hostNames.has(host) : hostNames.has(host.slice(0, colon)) && Number(host.slice(colon + 1)) <= 65535;
  };

  // One async function per request: the Host, Origin and bearer checks, the route's answer, then the observer,
  // the metrics and the log line, and the write (every promise is one more turn of the promise hooks under the log
  // context's AsyncLocalStorage).
  const serve = async (read: DirectRead, req: IncomingMessage, res: ServerResponse, host: string, url: string, reqId: string, started: number) => {
    let out: Out;
    let token: VerifiedToken | undefined;
    try {
      const origin = req.headers.origin;
      const checked = hosts && !hostAllowed(host) ? validateHostHeader(host, hosts) : undefined;
      if (checked && !checked.ok) out = jsonOut(403, jsonRpcErrorBody(-32000, checked.message), {}, false);
      else if (!originOk(origin)) out = jsonOut(403, jsonRpcErrorBody(-32000, originRefusal(origin!)));
      else {
        const q = url.indexOf('?');
        const result = await checkBearer(
          {
            method: 'GET',
            pathname: read.path,
            tokenInQuery: q !== -1 && new URLSearchParams(url.slice(q + 1)).has('access_token'),
            authorization: headerValue(req, 'authorization'),
            dpop: single(req.headers.dpop),
          },
          read.bearer,
        );
        if ('status' in result) out = { status: result.status, json: JSON.stringify(result.body), headers: challengeHeaders(result), cors: true };
        else {
          const a = await read.answer(result);
          out = jsonOut(a.status, a.body, a.headers);
          token = result;
        }
      }
    } catch (err) {
      const e = errorAnswer(err, observer.logger, read.path);
      out = jsonOut(e.status, e.body, e.headers);
      token = undefined;
    }
    try {
      const pending = observer.answered(read.path, out.status, out.headers['WWW-Authenticate'], token);
      if (pending) await pending;
    } catch (err) {
      observer.logger.error({ err }, 'after-response hook failed');
    }
    recordRequest(observer, { method: 'GET', path: read.path, route: read.path, status: out.status, started });
    if (!res.destroyed) {
      res.writeHead(out.status, headerLines(out, out.cors ? corsFor(single(req.headers.origin)) : [], reqId));
      res.end(out.json);
    }
  };

  // Each layer of the Hono app sets its headers over those of the layers inside it (the answer, then CORS, then
  // the security headers, then X-Request-Id); Vary is appended to. The same here, as one flat list of lines.
  const security = Object.entries(ctx.securityHeaders).flat();
  const outermost = new Set([...Object.keys(ctx.securityHeaders), 'content-length', 'x-request-id'].map((n) => n.toLowerCase()));
  const CORS_NAMES = new Set(['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers']);
  const headerLines = (out: Out, cors: Array<[string, string]>, reqId: string): Array<string | number> => {
    const lines: Array<string | number> = [];
    let vary: string | undefined;
    for (const name of Object.keys(out.headers)) {
      const lower = name.toLowerCase();
      if (lower === 'vary') vary = out.headers[name];
      else if (!outermost.has(lower) && !(cors.length && CORS_NAMES.has(lower))) lines.push(name, out.headers[name]!);
    }
    for (const [name, value] of cors) {
      if (name === 'Vary') vary = vary === undefined ? value : `${vary}, ${value}`;
      else lines.push(name, value);
    }
    if (vary !== undefined) lines.push('Vary', vary);
    lines.push(...security, 'Content-Length', Buffer.byteLength(out.json), 'X-Request-Id', reqId);
    return lines;
  };

  return reads.map((read) => ({
    method: 'GET',
    path: read.path,
    handle(req, res) {
      const host = headerValue(req, 'host');
      const url = req.url ?? '';
      if (host === undefined || !PLAIN_HOST.test(host) || !PLAIN_TARGET.test(url)) return false;
      const started = performance.now();
      const reqId = requestIdFor(single(req.headers['x-request-id']));
      void runWithLogContext({ reqId }, () =>
        serve(read, req, res, host, url, reqId, started).catch((err: unknown) => {
          // Nothing above should throw (errors become answers); if writing does, the connection is all that is left.
          observer.logger.error({ err, path: read.path }, 'direct route failed');
          res.destroy();
        }),
      );
    },
  }));
}
