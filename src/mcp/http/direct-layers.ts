import { validateHostHeader } from '@modelcontextprotocol/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { allowlistCorsHeaders } from '../../http/cors.js';
import { recordRequest, requestIdFor } from '../../http/request-context.js';
import { runWithLogContext } from '../../log/context.js';
import type { McpRequestObserver } from '../../observability/wire.js';
import type { VerifiedToken } from '../../resource-server/types.js';
import type { McpSettings } from '../deps.js';
import { originAllowed } from './origin-check.js';

/** What the MCP server's Hono app puts around every route, as values read once (mcp/app.ts, observability/wire.ts). */
export interface DirectLayersContext {
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
export const PLAIN_HOST = /^[a-z0-9._-]+(?::\d{1,5})?$/;
export const PLAIN_TARGET = /^\/[!#$%&-;=?-[\]_a-z~]*$/;

/** A header as `Headers.get` reads it on @hono/node-server: every line of it, joined with ", " (node keeps only the first Authorization and Host). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  if (req.headers[name] === undefined) return undefined;
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && n.toLowerCase() === name) value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/**
 * Whether another layer already read the body (a body parser in front of `node`, which keeps it in `rawBody` or
 * `body`): a route that would read it leaves the request to the app, which takes it from there.
 */
export const bodyAlreadyRead = (req: IncomingMessage): boolean => req.readableEnded || req.readableFlowing !== null || 'body' in req || 'rawBody' in req;

/** Node joins other repeated headers with ", ", as Headers.get does. */
export const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

/** An answer's status and the route's own headers, before the app's layers add theirs. */
export interface DirectHead {
  status: number;
  headers: Record<string, string>;
  /** CORS headers are set by the allowlist middleware, which sits after the Host check (mcp/app.ts). */
  cors: boolean;
}

/** An answer a direct route writes whole: its head and JSON text. */
export interface DirectOut extends DirectHead {
  json: string;
}

/** An answered request as the app's after-response steps read it. */
export interface AnsweredRequest {
  method: string;
  path: string;
  status: number;
  /** The answer's WWW-Authenticate (a refusal's reason counts in the metrics). */
  challenge?: string | undefined;
  token?: VerifiedToken | undefined;
  started: number;
}

/**
 * The layers of the MCP server's Hono app, in its order, as plain functions for the routes node:http answers
 * directly (mcp/direct-reads.ts, mcp/direct-sessions.ts, mcp/http/tools-call-route.ts): the Host check on a loopback bind
 * (DNS rebinding), CORS from the allowlist (RS-10), the Origin check (TR-5), and the headers each layer puts on
 * the answer.
 */
export interface DirectLayers {
  /** The Host check of a loopback bind: undefined when allowed, else validateHostHeader's refusal message. */
  hostRefusal(host: string): string | undefined;
  /** The Origin check (TR-5). */
  originOk(origin: string | undefined): boolean;
  /** The header lines of an answer with every layer's headers; `contentLength` undefined: none (a streamed body). */
  headerLines(head: DirectHead, origin: string | undefined, reqId: string, contentLength: number | undefined): Array<string | number>;
  /**
   * Runs a route's work under the request's id and log context, as the app's request-id layer does. An error escaping `work` (errors are answers, so a failed write) leaves only the connection to end.
   * `work` may finish in the same turn (no promise): then nothing waits on it.
   */
  inContext(req: IncomingMessage, res: ServerResponse, path: string, work: (reqId: string) => void | Promise<void>): void;
  /**
   * What the app does once an answer is known (observability/wire.ts): the flow and refusal hook, then the
   * request's metrics and log line. A promise only when the hook has work pending (no extra await per request).
   */
  answered(a: AnsweredRequest): Promise<void> | undefined;
}

/** Heads kept by DirectLayers.headerLines: as many frozen header objects as a server's routes answer with, and more. */
const BUILT_HEADS = 64;

export function directLayers(ctx: DirectLayersContext): DirectLayers {
  const corsFor = allowlistCorsHeaders(ctx.settings.corsOrigins);
  const originOk = originAllowed({ allowlist: ctx.settings.corsOrigins, publicUrl: ctx.settings.origin });
  const hosts = ctx.hosts && [...ctx.hosts];
  const hostNames = new Set(hosts);
  // A plain Host (PLAIN_HOST) naming an allowed host with a valid port is what validateHostHeader accepts, without
  // its URL parse; anything else goes to validateHostHeader itself, which also words the refusal.
  const hostAllowed = (host: string): boolean => {
    const colon = host.indexOf(':');
    return colon === -1 ? hostNames.has(host) : hostNames.has(host.slice(0, colon)) && Number(host.slice(colon + 1)) <= 65535;
  };
  const hostRefusal = (host: string): string | undefined => {
    if (!hosts || hostAllowed(host)) return undefined;
    const checked = validateHostHeader(host, hosts);
    return checked.ok ? undefined : checked.message;
  };

  // Each layer of the Hono app sets its headers over those of the layers inside it (the answer, then CORS, then
  // the security headers, then X-Request-Id); Vary is appended to. The same here, as one flat list of lines.
  const security = Object.entries(ctx.securityHeaders).flat();
  const outermost = new Set([...Object.keys(ctx.securityHeaders), 'content-length', 'x-request-id'].map((n) => n.toLowerCase()));
  const CORS_NAMES = new Set(['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers']);
  // The app runs its CORS layer once per request (mcp/app.ts), so one Vary: Origin.
  const linesOf = (out: DirectHead, origin: string | undefined, reqId: string, contentLength: number | undefined): Array<string | number> => {
    const cors = out.cors ? corsFor(origin) : [];
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
    lines.push(...security);
    if (contentLength !== undefined) lines.push('Content-Length', contentLength);
    lines.push('X-Request-Id', reqId);
    return lines;
  };
  // The lines of answers whose own headers are one frozen object (answers made once for many requests), with
  // CORS and no Origin: built once, then copied with the answer's length and request id in the last two slots.
  const built = new Map<Readonly<Record<string, string>>, ReadonlyArray<string | number>>();
  const headerLines: DirectLayers['headerLines'] = (out, origin, reqId, contentLength) => {
    if (origin !== undefined || contentLength === undefined || !out.cors || !Object.isFrozen(out.headers)) return linesOf(out, origin, reqId, contentLength);
    let lines = built.get(out.headers);
    if (lines === undefined) {
      if (built.size >= BUILT_HEADS) built.clear();
      built.set(out.headers, (lines = linesOf(out, undefined, '', 0)));
    }
    const head = lines.slice();
    head[head.length - 3] = contentLength;
    head[head.length - 1] = reqId;
    return head;
  };

  const { observer } = ctx;
  const inContext: DirectLayers['inContext'] = (req, res, path, work) => {
    const reqId = requestIdFor(single(req.headers['x-request-id']));
    const failed = (err: unknown) => {
      observer.logger.error({ err, path }, 'direct route failed');
      res.destroy();
    };
    runWithLogContext({ reqId }, () => {
      try {
        work(reqId)?.catch(failed);
      } catch (err) {
        failed(err);
      }
    });
  };
  const hookFailed = (err: unknown) => observer.logger.error({ err }, 'after-response hook failed');
  const record = (a: AnsweredRequest) => recordRequest(observer, { method: a.method, path: a.path, route: a.path, status: a.status, started: a.started });
  const answered: DirectLayers['answered'] = (a) => {
    let pending: void | Promise<void> = undefined;
    try {
      pending = observer.answered(a.path, a.status, a.challenge, a.token);
    } catch (err) {
      hookFailed(err);
    }
    if (!pending) return void record(a);
    return pending.then(() => record(a), (err: unknown) => (hookFailed(err), record(a)));
  };

  return { hostRefusal, originOk, headerLines, inContext, answered };
}
