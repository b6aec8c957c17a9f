import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DirectRoute } from '../http/direct-route.js';
import { errorAnswer } from '../http/error-answer.js';
import { checkBearer, type BearerOptions } from '../resource-server/bearer.js';
import { challengeHeaders, type Challenge } from '../resource-server/challenge.js';
import type { VerifiedToken } from '../resource-server/types.js';
import { directLayers, headerValue, PLAIN_HOST, PLAIN_TARGET, single, type DirectLayersContext, type DirectOut } from './http/direct-layers.js';
import { jsonRpcErrorBody } from './http/json-rpc-error.js';
import { originRefusal } from './http/origin-check.js';
import { isPromiseLike } from '../maybe-promise.js';

/** What a protected GET answers a verified caller: status, JSON body and headers (no Content-Type: it is JSON). */
export interface ReadAnswer {
  status: number;
  body: unknown;
  headers: Readonly<Record<string, string>>;
  /** `JSON.stringify(body)` when the route has it already (an answer made once for many requests): written as it is. */
  json?: string | undefined;
}

/**
 * A GET route of a program's API (mounted beside the MCP endpoint) that a running server answers from
 * node:http directly: its exact path, the bearer check its Hono route uses, and the same framework-free answer
 * the Hono route returns. A parity test holds the two to the same status, body and headers.
 */
export interface DirectRead {
  path: string;
  bearer: BearerOptions;
  /** An answer at once where the route has it at once (a synchronous store read): no promise to wait on. */
  answer(token: VerifiedToken): ReadAnswer | PromiseLike<ReadAnswer>;
}

/** What the MCP server's Hono app puts around every route (mcp/http/direct-layers.ts). */
export type DirectReadContext = DirectLayersContext;

type Out = DirectOut;

const jsonOut = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, cors = true, json = JSON.stringify(body)): Out => ({
  status,
  json,
  headers: { 'Content-Type': 'application/json', ...headers },
  cors,
});

/**
 * jsonOut's headers for a route's answers, the same frozen object again for the same frozen `own` (answers made
 * once for many requests share one, reads.ts NO_STORE), so their head is built once (DirectLayers.headerLines).
 */
function jsonHeaders(): (own: Readonly<Record<string, string>>) => Readonly<Record<string, string>> {
  let lastOwn: Readonly<Record<string, string>> | undefined;
  let last: Readonly<Record<string, string>> = {};
  return (own) => {
    if (own === lastOwn) return last;
    const headers = { 'Content-Type': 'application/json', ...own };
    if (!Object.isFrozen(own)) return headers;
    lastOwn = own;
    return (last = Object.freeze(headers));
  };
}

/**
 * GET routes of the program's API answered by node:http directly (http/direct-route.ts), in the order the MCP
 * server's Hono app applies its layers: request id and log context, security headers, the Host check on a
 * loopback bind, CORS from the allowlist (RS-10), the Origin check (TR-5), the bearer check (RS-3 to RS-9),
 * then the route's answer; a thrown error is the one error renderer's 500. The refusal metrics, the caller's
 * flow, the request metrics and log line follow as on Hono (observability/wire.ts). Nothing builds a web
 * Request or Response: that layer cost more than the read itself (BENCHMARKS.md, scenario 2).
 */
export function directReads(ctx: DirectReadContext, reads: readonly DirectRead[]): DirectRoute[] {
  const { observer } = ctx;
  const layers = directLayers(ctx);
  const answerHeaders = jsonHeaders();

  // A request is answered in the turn it arrives in when nothing on its way waits (a cached token, an answer at
  // once: the demo's list on a SQLite file), else it goes on when what it waits for settles: no promise, and no
  // turn of the promise hooks under the log context's AsyncLocalStorage, where none is needed. Each step of the
  // answer is the same either way: the Host, Origin and bearer checks, the route's answer, then the observer, the
  // metrics and the log line, and the write.
  type Decided = { out: Out; token?: VerifiedToken | undefined };

  const failed = (read: DirectRead, err: unknown): Decided => {
    const e = errorAnswer(err, observer.logger, read.path);
    return { out: jsonOut(e.status, e.body, e.headers) };
  };

  const answered = (read: DirectRead, token: VerifiedToken | Challenge): Decided | PromiseLike<Decided> => {
    if ('status' in token) return { out: { status: token.status, json: JSON.stringify(token.body), headers: challengeHeaders(token), cors: true } };
    const answer = read.answer(token);
    const done = (a: ReadAnswer): Decided => ({ out: { status: a.status, json: a.json ?? JSON.stringify(a.body), headers: answerHeaders(a.headers), cors: true }, token });
    return isPromiseLike(answer) ? answer.then(done) : done(answer);
  };

  const decide = (read: DirectRead, req: IncomingMessage, host: string, url: string): Decided | PromiseLike<Decided> => {
    const hostRefused = layers.hostRefusal(host);
    const origin = req.headers.origin;
    if (hostRefused !== undefined) return { out: jsonOut(403, jsonRpcErrorBody(-32000, hostRefused), {}, false) };
    if (!layers.originOk(origin)) return { out: jsonOut(403, jsonRpcErrorBody(-32000, originRefusal(origin!))) };
    const q = url.indexOf('?');
    const result = checkBearer(
      {
        method: 'GET',
        pathname: read.path,
        tokenInQuery: q !== -1 && new URLSearchParams(url.slice(q + 1)).has('access_token'),
        authorization: headerValue(req, 'authorization'),
        dpop: single(req.headers.dpop),
      },
      read.bearer,
    );
    return isPromiseLike(result) ? result.then((r) => answered(read, r)) : answered(read, result);
  };

  const write = (req: IncomingMessage, res: ServerResponse, reqId: string, out: Out) => {
    if (res.destroyed) return;
    res.writeHead(out.status, layers.headerLines(out, single(req.headers.origin), reqId, Buffer.byteLength(out.json)));
    res.end(out.json);
  };

  const finish = (read: DirectRead, req: IncomingMessage, res: ServerResponse, reqId: string, started: number, d: Decided): void | Promise<void> => {
    const { out, token } = d;
    const settling = layers.answered({ method: 'GET', path: read.path, status: out.status, challenge: out.headers['WWW-Authenticate'], token, started });
    if (settling) return settling.then(() => write(req, res, reqId, out));
    write(req, res, reqId, out);
  };

  const serve = (read: DirectRead, req: IncomingMessage, res: ServerResponse, host: string, url: string, reqId: string, started: number): void | Promise<void> => {
    let decided: Decided | PromiseLike<Decided>;
    try {
      decided = decide(read, req, host, url);
    } catch (err) {
      decided = failed(read, err);
    }
    if (!isPromiseLike(decided)) return finish(read, req, res, reqId, started, decided);
    return Promise.resolve(decided).then(
      (d) => finish(read, req, res, reqId, started, d),
      (err: unknown) => finish(read, req, res, reqId, started, failed(read, err)),
    );
  };

  return reads.map((read) => ({
    method: 'GET',
    path: read.path,
    handle(req, res) {
      const host = headerValue(req, 'host');
      const url = req.url ?? '';
      if (host === undefined || !PLAIN_HOST.test(host) || !PLAIN_TARGET.test(url)) return false;
      const started = performance.now();
      layers.inContext(req, res, read.path, (reqId) => serve(read, req, res, host, url, reqId, started));
    },
  }));
}
