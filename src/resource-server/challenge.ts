export type ChallengeError = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce';

/** A refusal of a protected-resource request: status, JSON body and the WWW-Authenticate value. */
export interface Challenge {
  status: 400 | 401 | 403;
  body: { error: ChallengeError | 'unauthorized'; error_description: string };
  wwwAuthenticate: string;
  /** More headers of the answer (a DPoP-Nonce, RFC 9449 §9). */
  headers?: Record<string, string>;
  /** More challenges, each its own WWW-Authenticate header after the first (a `DPoP` one, RFC 9449 §7.1). */
  alsoChallenges?: readonly string[];
}

/** Where the client finds the resource's metadata, and which scopes to advertise. */
export interface ChallengeContext {
  resourceMetadataUrl: string;
}

/**
 * RFC 6750 §3: auth-param values are quoted strings; error_description is limited to %x20-21 / %x23-5B / %x5D-7E,
 * so quotes, backslashes and anything outside printable ASCII are dropped.
 */
function quote(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')}"`;
}

function bearer(params: [string, string | undefined][]): string {
  const parts = params.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${quote(v!)}`);
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

/** RS-8: offline_access is never advertised. The caller gives the scopes in its canonical order (ScopeCatalog.order). */
function scopeValue(scopes: readonly string[]): string | undefined {
  const all = [...new Set(scopes.filter((s) => s !== 'offline_access'))];
  return all.length ? all.join(' ') : undefined;
}

/**
 * RS-3: no token was sent. No error attribute (RFC 6750 §3.1); resource_metadata (RFC 9728 §5.1) and the
 * scopes the resource may need, so the client can start the flow.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function missingTokenChallenge(ctx: ChallengeContext, scopes: readonly string[]): Challenge {
  return {
    status: 401,
    body: { error: 'unauthorized', error_description: 'an access token is required (Authorization: Bearer <token>)' },
    wwwAuthenticate: bearer([
      ['resource_metadata', ctx.resourceMetadataUrl],
      ['scope', scopeValue(scopes)],
    ]),
  };
}

/**
 * RS-4: the token is malformed, expired, revoked, or not for this resource.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function invalidTokenChallenge(ctx: ChallengeContext, description: string): Challenge {
  return {
    status: 401,
    body: { error: 'invalid_token', error_description: description },
    wwwAuthenticate: bearer([
      ['error', 'invalid_token'],
      ['error_description', description],
      ['resource_metadata', ctx.resourceMetadataUrl],
    ]),
  };
}

/**
 * RS-6: the token is valid but lacks scope. `scopes` are the scopes the client should ask for to perform the
 * operation, so it can step up.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function insufficientScopeChallenge(ctx: ChallengeContext, scopes: readonly string[], description?: string): Challenge {
  const scope = scopeValue(scopes);
  const text = description ?? `insufficient scope; ask for: ${scope ?? ''}`;
  return {
    status: 403,
    body: { error: 'insufficient_scope', error_description: text },
    wwwAuthenticate: bearer([
      ['error', 'insufficient_scope'],
      ['error_description', text],
      ['scope', scope],
      ['resource_metadata', ctx.resourceMetadataUrl],
    ]),
  };
}

/**
 * RS-9: a malformed request (an Authorization header that is not `Bearer <token>`, a token sent in more than one
 * way, a token in the query string) is a 400 invalid_request.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function invalidRequestChallenge(ctx: ChallengeContext, description: string): Challenge {
  return {
    status: 400,
    body: { error: 'invalid_request', error_description: description },
    wwwAuthenticate: bearer([
      ['error', 'invalid_request'],
      ['error_description', description],
      ['resource_metadata', ctx.resourceMetadataUrl],
    ]),
  };
}

/**
 * The headers of a challenge's answer: JSON, WWW-Authenticate, never cached. RFC 9110 §11.6.1: several
 * challenges may share one field, comma-separated, which is what node:http sends for the appended headers of a
 * web Response too.
 */
export function challengeHeaders(ch: Challenge): Record<string, string> {
  const www = ch.alsoChallenges?.length ? [ch.wwwAuthenticate, ...ch.alsoChallenges].join(', ') : ch.wwwAuthenticate;
  return { 'Content-Type': 'application/json', 'WWW-Authenticate': www, 'Cache-Control': 'no-store', ...ch.headers };
}

/** The challenge as an HTTP response (challengeHeaders, the JSON body). */
export function challengeResponse(ch: Challenge): Response {
  return new Response(JSON.stringify(ch.body), { status: ch.status, headers: challengeHeaders(ch) });
}
