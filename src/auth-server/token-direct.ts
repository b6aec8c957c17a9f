import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiterAbstract } from '../http/rate-limiter-flexible.js';
import { nodeClientIp } from '../http/client-ip.js';
import { PUBLIC_CORS_HEADERS } from '../http/cors.js';
import { fixedHeaders, writeJsonAnswer, type DirectRoute } from '../http/direct-route.js';
import { isUnlimited, overLimit } from '../http/rate-limit.js';
import { readBodyThen } from '../http/read-body.js';
import { recordRequest, requestIdFor } from '../http/request-context.js';
import { runWithLogContext, type LogContext } from '../log/context.js';
import { isPromiseLike } from '../maybe-promise.js';
import { OAuthError } from '../oauth/errors.js';
import { MAX_BODY_BYTES } from './app.js';
import type { AuthServerDeps } from './deps.js';
import { tokenErrorAnswer, type TokenAnswer, type TokenExchange } from './token-request.js';

const ROUTE = '/oauth/token';

/** The DPoP header as Hono's `c.req.header('dpop')` reads it: repeated lines joined with ", " (and then refused). */
function dpopHeader(req: IncomingMessage): string | undefined {
  const value = req.headers.dpop;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** What the metrics and the log say of a request whose client went away before its answer (nginx's number). */
const CLIENT_CLOSED = 499;

const tooLarge = (deps: AuthServerDeps): TokenAnswer =>
  tokenErrorAnswer(deps, new OAuthError('invalid_request', `request body larger than ${MAX_BODY_BYTES} bytes`, { status: 413 }));

/**
 * POST /oauth/token answered by node:http directly (http/direct-route.ts): the same logic as the Hono route
 * (token-request.ts), the same headers (security, CORS, no-store, X-Request-Id), request log line, metrics,
 * rate limit and body limit, without building a web Request and Response for each token (BENCHMARKS.md,
 * scenario 4: that layer and its header objects cost more than issuing the token). `staticHeaders` are the
 * app's security headers (http/security-headers.ts). tests/integration/token-direct.test.ts holds the two
 * routes to the same answers.
 */
export function tokenDirectRoute(deps: AuthServerDeps, exchange: TokenExchange, staticHeaders: Readonly<Record<string, string>>): DirectRoute {
  const limiter: RateLimiterAbstract | undefined = isUnlimited(deps.rateLimits.token) ? undefined : deps.rateLimits.token;
  const fixed = fixedHeaders({ ...staticHeaders, ...PUBLIC_CORS_HEADERS });

  // The answer's write, metrics and log line, and the refusal of a request that failed: made once for the route,
  // not as closures per request.
  const answered = (res: ServerResponse, out: TokenAnswer, reqId: string, started: number): void => {
    writeJsonAnswer(res, out, fixed, reqId);
    recordRequest(deps, { method: 'POST', path: ROUTE, route: ROUTE, status: out.status, started });
  };
  const failed = (req: IncomingMessage, res: ServerResponse, err: unknown, reqId: string, started: number): void => {
    // req.destroyed says nothing here: node destroys every request once its body has been read. Only a closed
    // socket means the client went away; anything else is ours, and RFC 6749 §5.2 has no code for it: 500.
    if (res.destroyed || req.socket.destroyed) {
      // The client closed the connection mid-request: nobody to answer, nothing went wrong here.
      deps.logger.debug({ err, path: ROUTE }, 'client closed the request');
      answered(res, { status: CLIENT_CLOSED, body: {}, headers: {} }, reqId, started);
    } else {
      answered(res, tokenErrorAnswer(deps, err), reqId, started);
    }
  };
  /** The body's answer, at once or once it settles: an exchange that waited on nothing answers in the turn its body arrived. */
  const respond = (req: IncomingMessage, res: ServerResponse, body: string | undefined, reqId: string, started: number): void => {
    let out: TokenAnswer | Promise<TokenAnswer>;
    try {
      out = body === undefined ? tooLarge(deps) : exchange({ contentType: req.headers['content-type'], authorization: req.headers.authorization, dpop: dpopHeader(req), body });
    } catch (err) {
      return failed(req, res, err, reqId, started);
    }
    if (isPromiseLike(out)) {
      void out.then(
        (settled) => answered(res, settled, reqId, started),
        (err: unknown) => failed(req, res, err, reqId, started),
      );
    } else answered(res, out, reqId, started);
  };

  const read = (req: IncomingMessage, res: ServerResponse, context: LogContext, started: number): void => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
      req.resume();
      return runWithLogContext(context, () => answered(res, tooLarge(deps), context.reqId, started));
    }
    // The exchange runs in the body's own callback, inside the request's log context (so every line logged while
    // it runs carries its id): no promise for a request that waits on nothing else.
    readBodyThen(
      req,
      MAX_BODY_BYTES,
      (body) => runWithLogContext(context, () => respond(req, res, body, context.reqId, started)),
      (err) => runWithLogContext(context, () => failed(req, res, err, context.reqId, started)),
    );
  };

  const limited = (req: IncomingMessage, res: ServerResponse, limiter: RateLimiterAbstract, context: LogContext, started: number): void => {
    void overLimit(limiter, nodeClientIp(req, deps.config.trustedProxies)).then(
      (refusal) => {
        if (!refusal) return read(req, res, context, started);
        req.resume();
        answered(res, tokenErrorAnswer(deps, refusal), context.reqId, started);
      },
      (err: unknown) => failed(req, res, err, context.reqId, started),
    );
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const context: LogContext = { reqId: requestIdFor(typeof header === 'string' ? header : undefined) };
    // The rate limit's check runs in the request's log context; without one, the body's callback enters it.
    if (limiter) runWithLogContext(context, () => limited(req, res, limiter, context, started));
    else read(req, res, context, started);
  };
  return { method: 'POST', path: ROUTE, handle };
}
