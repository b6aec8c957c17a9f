import type { MiddlewareHandler } from 'hono';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import { canonicalResource } from '../oauth/resource.js';
import { authenticate, type BearerOptions } from './bearer.js';
import type { ResourceDpop } from './dpop.js';
import { protectedResourceMetadataUrl } from './resources.js';
import { callerOf, type Caller, type TokenVerifier, type VerifiedToken } from './types.js';

/** What a protected route asks of a request's bearer token. */
export interface ProtectOptions {
  /** The resource being protected (RFC 8707 / RFC 9728 `resource`): a token's `aud` must name it (RS-5). */
  resource: string;
  /** Scopes the route needs (RS-6); a request without them gets 403 insufficient_scope. */
  scopes?: readonly string[];
  /** Every scope the resource uses, advertised in the 401 challenge (RS-3); defaults to `scopes`. */
  allScopes?: readonly string[];
  /** More audiences accepted besides `resource`. */
  audiences?: readonly string[];
  /** The RFC 9728 metadata URL named in challenges; defaults to the path-aware one of `resource` (RFC 9728 §3.1). */
  resourceMetadataUrl?: string;
  /** What a broader scope implies, and the canonical order; without it scopes match exactly. */
  catalog?: Pick<ScopeCatalog, 'covers' | 'order'>;
  /**
   * Also accept DPoP-bound tokens sent as `Authorization: DPoP <token>` with a proof (RFC 9449 §7): its replay
   * cache, clock and the public URL proofs' htu is checked against. Without it only Bearer is understood and a
   * DPoP-bound token is refused.
   */
  dpop?: ResourceDpop;
}

/** Hono context variables set by {@link bearer}: `c.get('caller')`, and the verified token as `c.get('auth')`. */
export type CallerVariables = { caller: Caller; auth: VerifiedToken };

/** The bearer check's options from a route's ProtectOptions (canonical resource, default metadata URL and audiences). */
export function bearerOptions(verifier: TokenVerifier, o: ProtectOptions): BearerOptions {
  const resource = canonicalResource(o.resource);
  if (resource === null) throw new TypeError(`resource ${o.resource} is not an absolute http(s) URL without a fragment`);
  return {
    verifier,
    resource,
    audiences: [resource, ...(o.audiences ?? [])],
    resourceMetadataUrl: o.resourceMetadataUrl ?? protectedResourceMetadataUrl(resource),
    requiredScopes: o.scopes ?? [],
    ...(o.allScopes && { allScopes: o.allScopes }),
    ...(o.catalog && { catalog: o.catalog }),
    ...(o.dpop && { dpop: o.dpop }),
  };
}

/**
 * Hono middleware: a request without a valid token for `resource`, or without `scopes`, gets the RFC 6750
 * challenge (401 / 403 / 400, with resource_metadata); otherwise `c.get('caller')` is who is calling.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function bearer(verifier: TokenVerifier, options: ProtectOptions): MiddlewareHandler<{ Variables: CallerVariables }> {
  const opts = bearerOptions(verifier, options);
  return async (c, next) => {
    const result = await authenticate(c.req.raw, opts);
    if (result instanceof Response) return result;
    c.set('auth', result);
    c.set('caller', callerOf(result));
    await next();
  };
}

/** A node:http request as a web Request carrying only what the bearer check reads: method, URL and headers (no body). */
function headersOnly(req: IncomingMessage): Request {
  const host = req.headers.host ?? 'localhost';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  // The real method, without the body: a DPoP proof's htm must match it (RFC 9449 §4.3 check 8).
  return new Request(new URL(req.url ?? '/', `http://${host}`), { method: req.method ?? 'GET', headers });
}

async function sendChallenge(res: ServerResponse, challenge: Response): Promise<void> {
  res.writeHead(challenge.status, Object.fromEntries(challenge.headers));
  res.end(await challenge.text());
}

/**
 * Express (or Connect) middleware: refuses with the challenge, or sets `req.caller` and calls `next()`.
 * The request body is not read.
 */
export function expressBearer(verifier: TokenVerifier, options: ProtectOptions) {
  const opts = bearerOptions(verifier, options);
  return (req: IncomingMessage & { caller?: Caller }, res: ServerResponse, next: (err?: unknown) => void): void => {
    authenticate(headersOnly(req), opts).then(
      async (result) => {
        if (result instanceof Response) return sendChallenge(res, result);
        req.caller = callerOf(result);
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/**
 * Wraps a node:http handler: it runs only for a request with a valid token, and gets the caller as its third
 * argument (also on `req.caller`).
 */
export function nodeBearer(
  verifier: TokenVerifier,
  options: ProtectOptions,
  handler: (req: IncomingMessage & { caller: Caller }, res: ServerResponse, caller: Caller) => void | Promise<void>,
): RequestListener {
  const opts = bearerOptions(verifier, options);
  return (req, res) => {
    void authenticate(headersOnly(req), opts).then(
      async (result) => {
        if (result instanceof Response) return sendChallenge(res, result);
        const caller = callerOf(result);
        (req as IncomingMessage & { caller: Caller }).caller = caller;
        await handler(req as IncomingMessage & { caller: Caller }, res, caller);
      },
      (err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        // The cause (an unreachable JWKS, a failing revocation lookup) is the server's, not the client's to read.
        res.end(JSON.stringify({ error: 'server_error', error_description: 'the token could not be checked' }));
        void err;
      },
    );
  };
}
