import { OAuthError, type OAuthErrorCode } from '../oauth/errors.js';
import { isValidS256Challenge } from '../oauth/pkce.js';
import { redirectUriMatches } from '../oauth/redirect-uri.js';
import { canonicalResource } from '../oauth/resource.js';
import { RULES } from '../oauth/rules.js';
import { IGNORED_SCOPES, parseScope, resolveRequestedScopes } from '../oauth/scopes.js';
import { findClient } from './clients.js';
import type { AuthServerDeps } from './deps.js';
import { PROMPT_VALUES, type ValidatedAuthorizationRequest } from './interaction.js';

/** The outcome of checking an authorization request, before anyone is asked to approve it. */
export type AuthorizationValidation =
  | { ok: true; request: ValidatedAuthorizationRequest }
  /** Found before the redirect URI was verified: shown on a page, never redirected (RFC 6749 §4.1.2.1). */
  | { ok: false; kind: 'page'; status: number; error: OAuthErrorCode; description: string; rule: string; clientId?: string }
  /** Found afterwards: sent to the client's redirect URI with state and iss. */
  | { ok: false; kind: 'redirect'; redirectUri: string; state: string | undefined; error: OAuthError; clientId: string };

/** The resource a request without `resource` gets (AS-6): the MCP endpoint. */
export function defaultResource(deps: AuthServerDeps): string {
  return deps.resources.default.url;
}

/** RFC 6749 §3.1: parameters sent without a value are treated as omitted. */
const valuesOf = (params: URLSearchParams, name: string) => params.getAll(name).filter((v) => v !== '');
const page = (error: OAuthErrorCode, description: string, rule: string, status = 400, clientId?: string): AuthorizationValidation => ({
  ok: false,
  kind: 'page',
  status,
  error,
  description,
  rule,
  ...(clientId !== undefined && { clientId }),
});
const shorten = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

/**
 * Checks an authorization request (AS-3, AS-6, AS-7, AS-8). Used by the authorization endpoint and again by
 * the login and consent pages when they resume a request.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export async function validateAuthorizationRequest(deps: AuthServerDeps, params: URLSearchParams): Promise<AuthorizationValidation> {
  // 1. The client. Until its redirect URI is verified, every error is a page.
  const clientIds = valuesOf(params, 'client_id');
  if (clientIds.length === 0) return page('invalid_request', 'The request has no client_id.', RULES.clientIdMissing);
  if (clientIds.length > 1) return page('invalid_request', 'client_id is repeated (RFC 6749 §3.1).', RULES.repeatedParameter);
  let client;
  try {
    client = await findClient(deps, clientIds[0]!);
  } catch (err) {
    if (err instanceof OAuthError) return page(err.code, err.description, err.rule ?? RULES.clientMetadataDocument, err.status >= 500 ? err.status : 400);
    throw err;
  }
  if (!client) return page('invalid_client', `Unknown client_id ${JSON.stringify(shorten(clientIds[0]!))}.`, RULES.unknownClient);

  // 2. The redirect URI: exact match, loopback on any port (AS-7, RFC 8252 §7.3). No open redirect.
  const redirectUris = valuesOf(params, 'redirect_uri');
  if (redirectUris.length > 1) return page('invalid_request', 'redirect_uri is repeated (RFC 6749 §3.1).', RULES.repeatedParameter, 400, client.clientId);
  let redirectUri: string;
  if (redirectUris.length === 1) {
    const asked = redirectUris[0]!;
    if (!client.redirectUris.some((registered) => redirectUriMatches(registered, asked))) {
      return page('invalid_request', `redirect_uri ${JSON.stringify(shorten(asked))} is not registered for this client.`, RULES.redirectUriNotRegistered, 400, client.clientId);
    }
    redirectUri = asked;
  } else if (client.redirectUris.length === 1) {
    // RFC 6749 §3.1.2.3: may be omitted when exactly one redirect URI is registered.
    redirectUri = client.redirectUris[0]!;
  } else {
    return page('invalid_request', 'The request has no redirect_uri, and the client did not register exactly one.', RULES.redirectUriAmbiguous, 400, client.clientId);
  }

  // 3. From here on errors go back to the client, with state echoed (RFC 6749 §4.1.2.1) and iss (RFC 9207).
  const state = valuesOf(params, 'state')[0];
  const fail = (code: OAuthErrorCode, description: string, rule: string): AuthorizationValidation => ({
    ok: false,
    kind: 'redirect',
    redirectUri,
    state,
    error: new OAuthError(code, description, { rule }),
    clientId: client.clientId,
  });

  // RFC 6749 §3.1: parameters MUST NOT be included more than once (resource is RFC 8707's, checked below).
  for (const name of new Set(params.keys())) {
    if (name !== 'resource' && valuesOf(params, name).length > 1) return fail('invalid_request', `${name} is repeated (RFC 6749 §3.1)`, RULES.repeatedParameter);
  }
  if (!client.grantTypes.includes('authorization_code')) {
    return fail('unauthorized_client', 'this client is not registered for the authorization_code grant', RULES.grantTypeNotRegistered);
  }

  const responseType = valuesOf(params, 'response_type')[0];
  if (responseType === undefined) return fail('invalid_request', 'response_type is missing', RULES.responseType);
  if (responseType !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported (OAuth 2.1)', RULES.responseType);

  // AS-3, OAuth 2.1 §4.1.1: PKCE is required, and only S256; plain (also the default when no method is sent) is refused.
  const codeChallenge = valuesOf(params, 'code_challenge')[0];
  if (codeChallenge === undefined) return fail('invalid_request', 'code_challenge is required (PKCE with S256)', RULES.pkceRequired);
  const method = valuesOf(params, 'code_challenge_method')[0];
  if (method !== 'S256') {
    return fail(
      'invalid_request',
      method === undefined ? 'code_challenge_method is required and must be S256' : `code_challenge_method ${method} is not supported; use S256`,
      RULES.pkceRequired,
    );
  }
  if (!isValidS256Challenge(codeChallenge)) return fail('invalid_request', 'code_challenge must be 43 base64url characters (RFC 7636 §4.2)', RULES.pkceRequired);

  // AS-6, RFC 8707 §2: one absolute URI without fragment, on the MCP server; none asked means the default.
  const resources = valuesOf(params, 'resource');
  let target = deps.resources.default;
  let resource = target.url;
  if (resources.length > 1) return fail('invalid_target', 'tokens are issued for one resource at a time; send one resource parameter', RULES.resourceRefused);
  if (resources.length === 1) {
    const canonical = canonicalResource(resources[0]!);
    if (canonical === null) return fail('invalid_target', 'resource must be an absolute http(s) URI without a fragment', RULES.resourceRefused);
    const registered = deps.resources.find(canonical);
    if (!registered) return fail('invalid_target', `resource ${canonical} is not served by a resource this authorization server issues tokens for`, RULES.resourceRefused);
    target = registered;
    resource = canonical;
  }

  // Interop note 7: unknown scopes are dropped; none asked, or none known, means the defaults.
  // The registered scope does not bound a delegated request: the person's consent does (RFC 6749 §3.3 lets
  // the server decide). MCP clients register with the scope of their first authorization and must later be
  // able to step up from read to write (RS-6); capping at the registration would trap them in a 403 loop.
  // The registered scope still bounds client_credentials, where no person consents.
  const scopeParam = valuesOf(params, 'scope')[0];
  // A resource's tokens carry only the scopes registered for it.
  const known = resolveRequestedScopes(deps.scopes, scopeParam, target.scopes);
  // RFC 6749 §4.1.2.1: a request for nothing this server offers is invalid_scope, not silently the defaults.
  // OpenID's openid and offline_access, which some clients add to every request, still mean the defaults.
  const unknown = parseScope(scopeParam).filter((s) => !IGNORED_SCOPES.has(s));
  if (known.length === 0 && unknown.length > 0) {
    return fail('invalid_scope', `unknown scope ${unknown.slice(0, 3).join(' ').slice(0, 100)}; this server offers ${deps.scopes.names.join(' ')}`, RULES.scopeUnknown);
  }
  const scopes = resolveRequestedScopes(deps.scopes, known.length > 0 ? scopeParam : undefined, target.scopes);

  // OpenID Connect Core §3.1.2.1, which OAuth clients use too: none (answer without any page, or fail), login
  // (sign in again), consent (ask again). Other values are ignored; none goes alone.
  const promptValues = (valuesOf(params, 'prompt')[0] ?? '').split(' ').filter((v) => v !== '');
  if (promptValues.includes('none') && promptValues.length > 1) return fail('invalid_request', 'prompt=none cannot be combined with other values', RULES.promptCombined);
  const prompt = PROMPT_VALUES.filter((v) => promptValues.includes(v));

  deps.logger.info({ event: 'authorize_request', clientId: client.clientId, redirectUri, resource, scope: scopes.join(' ') }, 'authorization request accepted');
  return { ok: true, request: { client, redirectUri, state, codeChallenge, scopes, resource, ...(prompt.length > 0 && { prompt }) } };
}
