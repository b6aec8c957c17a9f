import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeClientIp } from '../http/client-ip.js';
import { PUBLIC_CORS_HEADERS } from '../http/cors.js';
import { fixedHeaders, writeJsonAnswer, type DirectRoute } from '../http/direct-route.js';
import { errorAnswer } from '../http/error-answer.js';
import { isUnlimited, overLimit } from '../http/rate-limit.js';
import type { RateLimiterAbstract } from '../http/rate-limiter-flexible.js';
import { readBody } from '../http/read-body.js';
import { recordRequest, requestIdFor } from '../http/request-context.js';
import { runWithLogContext } from '../log/context.js';
import { OAuthError } from '../oauth/errors.js';
import { MAX_BODY_BYTES } from './app.js';
import type { AuthServerDeps } from './deps.js';
import { REGISTER_PATH, type RegistrationAnswer, type RegistrationRequest } from './register.js';

/** What the metrics and the log say of a request whose client went away before its answer (nginx's number). */
const CLIENT_CLOSED = 499;

/** A request header as Hono reads it from the web Headers: repeated lines joined with ", ". */
const header = (req: IncomingMessage, name: string): string | undefined => req.headersDistinct[name]?.join(', ');

const tooLarge = () => new OAuthError('invalid_request', `request body larger than ${MAX_BODY_BYTES} bytes`, { status: 413 });

/**
 * POST /oauth/register answered by node:http directly (http/direct-route.ts): the same logic as the Hono route
 * (register.ts `registration`), the same headers (security, CORS, no-store, X-Request-Id), request log line,
 * metrics, body limit and rate limit in the Hono app's order, without a web Request and Response per
 * registration (BENCHMARKS.md, scenario 5: every flow starts with one). `staticHeaders` are the app's security
 * headers (http/security-headers.ts). tests/integration/register-direct.test.ts holds the two routes to the
 * same answers.
 */
export function registerDirectRoute(
  deps: AuthServerDeps,
  register: (req: RegistrationRequest) => Promise<RegistrationAnswer>,
  staticHeaders: Readonly<Record<string, string>>,
): DirectRoute {
  const limiter: RateLimiterAbstract | undefined = isUnlimited(deps.rateLimits.register) ? undefined : deps.rateLimits.register;
  const fixed = fixedHeaders({ ...staticHeaders, ...PUBLIC_CORS_HEADERS });
  const refused = (err: unknown): RegistrationAnswer => errorAnswer(err, deps.logger, REGISTER_PATH);

  const answer = async (req: IncomingMessage, body: { read: boolean }): Promise<RegistrationAnswer> => {
    // The Hono app's order: its body limit (http/body-limit.ts) first, then the route's rate limit. It decides
    // from Content-Length when there is one; a body without one it reads in full, before the route.
    const declared = req.headers['content-length'];
    let early: string | undefined;
    if (declared !== undefined && req.headers['transfer-encoding'] === undefined) {
      if (Number(declared) > MAX_BODY_BYTES) return refused(tooLarge());
    } else {
      body.read = true;
      early = await readBody(req, MAX_BODY_BYTES);
      if (early === undefined) return refused(tooLarge());
    }
    if (limiter) {
      const ip = nodeClientIp(req, deps.config.trustedProxies);
      const refusal = await overLimit(limiter, ip);
      if (refusal) return refused(refusal);
    }
    return register({
      contentType: header(req, 'content-type'),
      authorization: header(req, 'authorization'),
      readBody: async () => {
        if (early !== undefined) return early;
        body.read = true;
        // Only when the stream runs past what Content-Length said can this be over the limit.
        const text = await readBody(req, MAX_BODY_BYTES);
        if (text === undefined) throw tooLarge();
        return text;
      },
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const reqId = requestIdFor(typeof incoming === 'string' ? incoming : undefined);
    void runWithLogContext({ reqId }, async () => {
      const body = { read: false };
      let out: RegistrationAnswer;
      try {
        out = await answer(req, body);
      } catch (err) {
        // Only a closed socket means the client went away; anything else is ours: 500 (errorAnswer).
        if (res.destroyed || req.socket.destroyed) {
          deps.logger.debug({ err, path: REGISTER_PATH }, 'client closed the request');
          out = { status: CLIENT_CLOSED, body: {}, headers: {} };
        } else {
          out = refused(err);
        }
      }
      // A body nobody read is drained, so the answer can be read on a kept-alive connection.
      if (!body.read) req.resume();
      writeJsonAnswer(res, out, fixed, reqId);
      recordRequest(deps, { method: 'POST', path: REGISTER_PATH, route: REGISTER_PATH, status: out.status, started });
    });
  };
  return { method: 'POST', path: REGISTER_PATH, handle };
}
