import type { MiddlewareHandler } from 'hono';
import { OAuthError } from '../oauth/errors.js';
import { canonicalResource } from '../oauth/resource.js';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import {
  challengeResponse,
  insufficientScopeChallenge,
  invalidRequestChallenge,
  invalidTokenChallenge,
  missingTokenChallenge,
  type Challenge,
} from './challenge.js';
import { checkDpopRequest, dpopChallenge, dpopNoTokenChallenge, type ResourceDpop } from './dpop.js';
import type { TokenVerifier, VerifiedToken } from './types.js';
import { isPromiseLike, thenMaybe } from '../maybe-promise.js';

/** Hono context variables set by {@link bearerAuth}: `c.get('auth')` is the verified token. */
export type AuthVariables = { auth: VerifiedToken };
export type AuthEnv = { Variables: AuthVariables };

export interface BearerOptions {
  verifier: TokenVerifier;
  /** The canonical resource being protected. */
  resource: string;
  /** Token audiences this route accepts (RS-5); defaults to [resource]. */
  audiences?: readonly string[];
  /** The RFC 9728 metadata URL of the resource, sent in every challenge. */
  resourceMetadataUrl: string;
  /** Scopes the operation needs (RS-6); a broader granted scope satisfies a narrower one. */
  requiredScopes: readonly string[];
  /** Scopes advertised when no token was sent (RS-3); defaults to requiredScopes. */
  allScopes?: readonly string[];
  /** Accept `Authorization: DPoP` with DPoP-bound tokens (RFC 9449 §7); without it only Bearer is understood. */
  dpop?: ResourceDpop;
  /** The scope vocabulary: what a broader scope implies, and the canonical order; without it scopes match exactly. */
  catalog?: Pick<ScopeCatalog, 'covers' | 'order'>;
}

/** RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Authenticates a request to a protected resource from its Authorization header only (RS-7). Returns the
 * verified token, or the challenge response to send (RS-3, RS-4, RS-6, RS-9). Usable outside Hono (the MCP
 * transport passes its Request).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export async function authenticate(request: Request, opts: BearerOptions): Promise<VerifiedToken | Response> {
  const url = new URL(request.url);
  const result = await checkBearer(
    {
      method: request.method,
      pathname: url.pathname,
      tokenInQuery: url.searchParams.has('access_token'),
      authorization: request.headers.get('authorization'),
      dpop: request.headers.get('dpop'),
    },
    opts,
  );
  return 'status' in result ? challengeResponse(result) : result;
}

/** Hono middleware around {@link authenticate}; sets `auth` on the context. */
export function bearerAuth(opts: BearerOptions): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const result = await authenticate(c.req.raw, opts);
    if (result instanceof Response) return result;
    c.set('auth', result);
    await next();
  };
}

/**
 * The scheme of `header` and its token if the header is "<scheme> <b64token>" (RFC 6750 §2.1), else no token.
 * The usual case, one space, a scheme without whitespace and a b64token (which has none either), is split there
 * without running `trim().split(/\s+/)` over a long token, and the token is tested once.
 */
function credentials(header: string): { scheme: string; token: string | undefined } {
  const space = header.indexOf(' ');
  if (space > 0) {
    const scheme = header.slice(0, space);
    const rest = header.slice(space + 1);
    if (!/\s/.test(scheme) && B64TOKEN.test(rest)) return { scheme, token: rest };
  }
  const parts = header.trim().split(/\s+/);
  return { scheme: parts[0]!, token: parts.length === 2 && B64TOKEN.test(parts[1]!) ? parts[1] : undefined };
}

/**
 * What the bearer check reads of a request, whichever server read it: a web Request ({@link authenticate}) or
 * a node:http one (a route answered directly, http/direct-route.ts). Headers as `Headers.get` gives them:
 * repeated lines joined with ", ".
 */
export interface BearerRequest {
  method: string;
  /** The URL's path, without the query: a DPoP proof's htu names it (RFC 9449 §4.3). */
  pathname: string;
  /** Whether the query string has an access_token parameter (RS-7: refused, never tried). */
  tokenInQuery: boolean;
  authorization: string | null | undefined;
  dpop: string | null | undefined;
}

/**
 * The check itself, framework-free: the verified token, or the challenge to answer with (challengeHeaders and
 * the body give the same answer as {@link authenticate}'s Response). At once, without a promise, when the
 * verifier has the token at once (TokenVerifier.verifyNow: a cached token) and, for a DPoP request, the replay
 * cache answers at once (ReplayCache.claimNow: this process's); a promise otherwise. An error of ours (not the token's) throws, or rejects.
 */
export function checkBearer(request: BearerRequest, opts: BearerOptions): VerifiedToken | Challenge | Promise<VerifiedToken | Challenge> {
  const ctx = { resourceMetadataUrl: opts.resourceMetadataUrl };
  const header = request.authorization;
  const inQuery = request.tokenInQuery;
  // RFC 6750 §3.1: more than one method of sending a token is invalid_request.
  if (inQuery && header) return invalidRequestChallenge(ctx, 'access token sent in more than one way');
  // RS-7: a token in the URL leaks into logs and history; it is refused, never tried.
  if (inQuery) return invalidRequestChallenge(ctx, 'access tokens are accepted only in the Authorization header');
  const parts = header ? credentials(header) : { scheme: '', token: undefined };
  const scheme = parts.scheme.toLowerCase();
  const dpop = scheme === 'dpop' && opts.dpop ? opts.dpop : undefined;
  // RFC 7235 §2.1: the scheme is case-insensitive. Another scheme (Basic, ...) carries no bearer token: RS-3.
  if (!header || (scheme !== 'bearer' && !dpop)) {
    const missing = missingTokenChallenge(ctx, opts.allScopes ?? opts.requiredScopes);
    // RFC 9449 §7.1: a resource accepting DPoP names it (and its algs) in the challenge, beside Bearer.
    return opts.dpop ? { ...missing, alsoChallenges: [dpopNoTokenChallenge(ctx)] } : missing;
  }
  if (parts.token === undefined) {
    return invalidRequestChallenge(ctx, `Authorization header must be "${dpop ? 'DPoP' : 'Bearer'} <token>"`);
  }
  let verified: VerifiedToken | Promise<VerifiedToken>;
  try {
    // Cached after its first verification: a DPoP request adds only the proof check below.
    verified = opts.verifier.verifyNow ? opts.verifier.verifyNow(parts.token) : opts.verifier.verify(parts.token);
  } catch (err) {
    return refusedToken(err, dpop, ctx);
  }
  if (isPromiseLike(verified)) return checkedLater(request, opts, ctx, verified, dpop);
  return dpop ? withProof(request, opts, ctx, verified, dpop) : accepted(verified, opts, ctx, false);
}

/**
 * The DPoP proof's check (RFC 9449 §7) of a verified token's request, then the token's own checks: at once when
 * the proof's check answers at once (a replay cache in this process), a promise otherwise.
 */
function withProof(
  request: BearerRequest,
  opts: BearerOptions,
  ctx: { resourceMetadataUrl: string },
  token: VerifiedToken,
  dpop: ResourceDpop,
): VerifiedToken | Challenge | Promise<VerifiedToken | Challenge> {
  return thenMaybe(checkDpopRequest(request, token, dpop, ctx), (refused) => refused ?? accepted(token, opts, ctx, true));
}

/** The rest of the check once the verifier answered, with the DPoP proof's check (RFC 9449 §7) when `dpop`. */
async function checkedLater(
  request: BearerRequest,
  opts: BearerOptions,
  ctx: { resourceMetadataUrl: string },
  verified: VerifiedToken | PromiseLike<VerifiedToken>,
  dpop: ResourceDpop | undefined,
): Promise<VerifiedToken | Challenge> {
  let token: VerifiedToken;
  try {
    token = await verified;
  } catch (err) {
    return refusedToken(err, dpop, ctx);
  }
  return dpop ? withProof(request, opts, ctx, token, dpop) : accepted(token, opts, ctx, false);
}

/** Only invalid_token is the token's fault; anything else is ours and must surface as a 500 (thrown again). */
function refusedToken(err: unknown, dpop: ResourceDpop | undefined, ctx: { resourceMetadataUrl: string }): Challenge {
  if (err instanceof OAuthError && err.code === 'invalid_token') return dpop ? dpopChallenge(ctx, err) : invalidTokenChallenge(ctx, err.description);
  throw err;
}

/** The checks on a verified token: its binding (RFC 9449 §7.2), its audience (RS-5), its scopes (RS-6). */
function accepted(token: VerifiedToken, opts: BearerOptions, ctx: { resourceMetadataUrl: string }, proofChecked: boolean): VerifiedToken | Challenge {
  if (!proofChecked && token.dpopJkt) {
    // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
    return opts.dpop
      ? dpopChallenge(ctx, new OAuthError('invalid_token', 'this access token is DPoP-bound: send it with Authorization: DPoP and a proof'))
      : invalidTokenChallenge(ctx, 'this access token is DPoP-bound and this resource does not accept DPoP');
  }
  // The token's audience is canonical (the verifier made it so); an accepted audience written canonically matches
  // as it is, so the canonical forms are computed only when none does.
  const audiences = opts.audiences ?? [opts.resource];
  if (!audiences.includes(token.audience) && !audiences.some((a) => (canonicalResource(a) ?? a) === token.audience)) {
    return invalidTokenChallenge(ctx, 'token not issued for this resource');
  }
  const covers = opts.catalog?.covers ?? ((granted, needed) => needed.every((s) => granted.includes(s)));
  if (!covers(token.scopes, opts.requiredScopes)) {
    // RS-6: ask for what the caller holds plus what the operation needs, so a client that replaces its scopes
    // with the challenge's (SDK v1) keeps what it had (same rule as mcp/tool-scopes.ts stepUpScopes). Only
    // scopes this resource knows are repeated.
    const known = new Set(opts.allScopes ?? opts.requiredScopes);
    const held = token.scopes.filter((s) => known.has(s));
    const want = [...held, ...opts.requiredScopes];
    return insufficientScopeChallenge(ctx, opts.catalog ? opts.catalog.order(want) : want, `this operation needs scope: ${opts.requiredScopes.join(' ')}`);
  }
  return token;
}
