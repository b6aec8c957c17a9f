import { validateHostHeader } from '@modelcontextprotocol/server';
import type { IncomingMessage } from 'node:http';
import { allowlistCorsHeaders } from '../http/cors.js';
import type { McpRequestObserver } from '../observability/wire.js';
import type { McpSettings } from './deps.js';
import { jsonRpcErrorBody } from './http/json-rpc-error.js';
import { originAllowed } from './http/origin-check.js';

/** What the MCP server's Hono app puts around every route, as values read once (mcp/app.ts, observability/wire.ts). */
export interface DirectContext {
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

/** Node joins other repeated headers with ", ", as Headers.get does. */
export const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

/** An answer's headers before the app's layers add theirs; `cors`: whether the CORS layer saw it (it sits after the Host check). */
export interface FrontAnswer {
  status: number;
  headers: Record<string, string>;
  cors: boolean;
}

/**
 * The layers of the MCP server's Hono app for routes node:http answers directly (mcp/direct-reads.ts,
 * mcp/direct-sessions.ts), in the app's order: the Host check on a loopback bind (DNS rebinding), CORS from
 * the allowlist (RS-10), the Origin check (TR-5), and the headers each layer puts on the answer.
 */
export function directFront(ctx: DirectContext) {
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

  // Each layer of the Hono app sets its headers over those of the layers inside it (the answer, then CORS, then
  // the security headers, then X-Request-Id); Vary is appended to. The same here, as one flat list of lines.
  const security = Object.entries(ctx.securityHeaders).flat();
  const outermost = new Set([...Object.keys(ctx.securityHeaders), 'content-length', 'x-request-id'].map((n) => n.toLowerCase()));
  const CORS_NAMES = new Set(['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers']);

  return {
    originOk,
    /** Whether a plain Host may pass the Host check as it is: true, or the Hono app's 403 body. */
    hostCheck(host: string): true | ReturnType<typeof jsonRpcErrorBody> {
      if (!hosts || hostAllowed(host)) return true;
      const checked = validateHostHeader(host, hosts);
      return checked.ok ? true : jsonRpcErrorBody(-32000, checked.message);
    },
    /** The header lines of an answer with every layer's headers; `contentLength` undefined: none (a streamed body). */
    headerLines(out: FrontAnswer, requestOrigin: string | undefined, reqId: string, contentLength: number | undefined): Array<string | number> {
      const cors = out.cors ? corsFor(requestOrigin) : [];
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
    },
  };
}
