import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiterAbstract } from '../http/rate-limiter-flexible.js';
import { nodeClientIp } from '../http/client-ip.js';
import { PUBLIC_CORS_HEADERS } from '../http/cors.js';
import { fixedHeaders, writeJsonAnswer, type DirectRoute } from '../http/direct-route.js';
import { isUnlimited, overLimit } from '../http/rate-limit.js';
import { readBody } from '../http/read-body.js';
import { recordRequest, requestIdFor } from '../http/request-context.js';
import { runWithLogContext } from '../log/context.js';
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
  /** `answer`, at once or once it settles: an exchange that waited on nothing answers in the turn its body arrived. */
  const respond = (req: IncomingMessage, res: ServerResponse, answer: () => TokenAnswer | Promise<TokenAnswer>, reqId: string, started: number): void => {
    let out: TokenAnswer | Promise<TokenAnswer>;
    try {
      out = answer();
    } catch (err) {
      return failed(req, res, err, reqId, started);
    }
    if (out instanceof Promise) {
      void out.then(
        (settled) => answered(res, settled, reqId, started),
        (err: unknown) => failed(req, res, err, reqId, started),
      );
    } else answered(res, out, reqId, started);
  };

  const read = (req: IncomingMessage, res: ServerResponse, reqId: string, started: number): void => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
      req.resume();
      return answered(res, tooLarge(deps), reqId, started);
    }
    // The exchange runs in the body's own callback: one promise (the body's) for a request that waits on nothing else.
    void readBody(req, MAX_BODY_BYTES).then(
      (body) =>
        respond(
          req,
          res,
          () => (body === undefined ? tooLarge(deps) : exchange({ contentType: req.headers['content-type'], authorization: req.headers.authorization, dpop: dpopHeader(req), body })),
          reqId,
          started,
        ),
      (err: unknown) => failed(req, res, err, reqId, started),
    );
  };

  const limited = (req: IncomingMessage, res: ServerResponse, limiter: RateLimiterAbstract, reqId: string, started: number): void => {
    void overLimit(limiter, nodeClientIp(req, deps.config.trustedProxies)).then(
      (refusal) => {
        if (!refusal) return read(req, res, reqId, started);
        req.resume();
        answered(res, tokenErrorAnswer(deps, refusal), reqId, started);
      },
      (err: unknown) => failed(req, res, err, reqId, started),
    );
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const reqId = requestIdFor(typeof header === 'string' ? header : undefined);
    // The request's promises are made inside its log context, so every line logged while it runs carries its id.
    runWithLogContext({ reqId }, () => {
      try {
        if (limiter) limited(req, res, limiter, reqId, started);
        else read(req, res, reqId, started);
      } catch (err) {
        failed(req, res, err, reqId, started);
      }
    });
  };
  return { method: 'POST', path: ROUTE, handle };
}
