import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DirectRoute } from '../http/direct-route.js';
import { errorAnswer } from '../http/error-answer.js';
import { recordRequest, requestIdFor } from '../http/request-context.js';
import { runWithLogContext } from '../log/context.js';
import { checkBearer, type BearerOptions } from '../resource-server/bearer.js';
import { challengeHeaders } from '../resource-server/challenge.js';
import type { VerifiedToken } from '../resource-server/types.js';
import { directFront, headerValue, PLAIN_HOST, PLAIN_TARGET, single, type DirectContext } from './direct-front.js';
import { jsonRpcErrorBody } from './http/json-rpc-error.js';
import { originRefusal } from './http/origin-check.js';

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
export function directReads(ctx: DirectContext, reads: readonly DirectRead[]): DirectRoute[] {
  const front = directFront(ctx);
  const { observer } = ctx;

  const answer = async (read: DirectRead, req: IncomingMessage, host: string, url: string): Promise<{ out: Out; token?: VerifiedToken }> => {
    const hostOk = front.hostCheck(host);
    if (hostOk !== true) return { out: jsonOut(403, hostOk, {}, false) };
    const origin = req.headers.origin;
    if (!front.originOk(origin)) return { out: jsonOut(403, jsonRpcErrorBody(-32000, originRefusal(origin!))) };
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
    if ('status' in result) return { out: { status: result.status, json: JSON.stringify(result.body), headers: challengeHeaders(result), cors: true } };
    const a = await read.answer(result);
    return { out: jsonOut(a.status, a.body, a.headers), token: result };
  };

  const serve = async (read: DirectRead, req: IncomingMessage, res: ServerResponse, host: string, url: string, reqId: string, started: number) => {
    let out: Out;
    let token: VerifiedToken | undefined;
    try {
      ({ out, token } = await answer(read, req, host, url));
    } catch (err) {
      const e = errorAnswer(err, observer.logger, read.path);
      out = jsonOut(e.status, e.body, e.headers);
    }
    try {
      const pending = observer.answered(read.path, out.status, out.headers['WWW-Authenticate'], token);
      if (pending) await pending;
    } catch (err) {
      observer.logger.error({ err }, 'after-response hook failed');
    }
    recordRequest(observer, { method: 'GET', path: read.path, route: read.path, status: out.status, started });
    if (!res.destroyed) {
      res.writeHead(out.status, front.headerLines(out, single(req.headers.origin), reqId, Buffer.byteLength(out.json)));
      res.end(out.json);
    }
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
