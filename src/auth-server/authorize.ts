import { Hono, type Context } from 'hono';
import { rateLimit } from '../http/rate-limit.js';
import { randomToken, sha256 } from '../oauth/crypto.js';
import { OAuthError } from '../oauth/errors.js';
import { RULES } from '../oauth/rules.js';
import { formatScope } from '../oauth/scopes.js';
import { emit } from '../events/events.js';
import { isClientIdMetadataUrl } from './cimd.js';
import { validateAuthorizationRequest, type AuthorizationValidation } from './authorize-request.js';
import { demoSubject } from './demo.js';
import type { AuthServerDeps } from './deps.js';
import { errorPage } from './error-page.js';
import { demoInteraction, type InteractionOutcome, type ValidatedAuthorizationRequest } from './interaction.js';

/**
 * A 302 to a verified redirect URI with the response parameters, plus `iss` (RFC 9207 §2, AS-8). Parameters
 * the registered URI already carries in its query are kept (RFC 6749 §3.1.2).
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2
 */
export function authorizationRedirect(deps: AuthServerDeps, redirectUri: string, params: Record<string, string | undefined>): Response {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  url.searchParams.set('iss', deps.config.authServer.issuer);
  return new Response(null, { status: 302, headers: { Location: url.href, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } });
}

/** An error response at the client's redirect URI (RFC 6749 §4.1.2.1), state echoed. */
export function authorizationErrorRedirect(deps: AuthServerDeps, redirectUri: string, state: string | undefined, error: OAuthError): Response {
  return authorizationRedirect(deps, redirectUri, { error: error.code, error_description: error.description, state });
}

/** Turns a failed validation into its response: a page before the redirect URI is verified, a redirect after. */
export async function authorizationFailure(deps: AuthServerDeps, failure: Extract<AuthorizationValidation, { ok: false }>): Promise<Response> {
  if (failure.kind === 'page') {
    await emit(deps.events, { type: 'authorization.refused_on_page', clientId: failure.clientId, error: failure.error, description: failure.description, rule: failure.rule });
    return errorPage(failure.status, failure.error, failure.description);
  }
  await emit(deps.events, { type: 'authorization.refused', clientId: failure.clientId, error: failure.error });
  return authorizationErrorRedirect(deps, failure.redirectUri, failure.state, failure.error);
}

/**
 * Finishes a validated request once a person (or demo mode) has decided: on approval a grant is recorded and
 * a single-use code issued, stored only as its SHA-256 (docs/security.md); a denial is access_denied. The login
 * and consent pages call this too.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export async function completeAuthorization(
  deps: AuthServerDeps,
  request: ValidatedAuthorizationRequest,
  outcome: InteractionOutcome,
): Promise<Response> {
  if (outcome.kind === 'respond') return outcome.response;
  const flow = request.flowId ? { flowId: request.flowId } : {};
  const deny = (description: string) =>
    authorizationErrorRedirect(deps, request.redirectUri, request.state, new OAuthError('access_denied', description));
  if (outcome.kind === 'interaction_required') {
    const error = new OAuthError(outcome.error, outcome.error === 'login_required' ? 'prompt=none, and no one is signed in' : 'prompt=none, and this access was not consented to before', { rule: RULES.promptNone });
    await emit(deps.events, { type: 'authorization.refused', clientId: request.client.clientId, error, flowId: request.flowId });
    return authorizationErrorRedirect(deps, request.redirectUri, request.state, error);
  }
  if (outcome.kind === 'denied') {
    await emit(deps.events, { type: 'consent.denied', clientId: request.client.clientId, subject: outcome.subject, reason: 'denied', flowId: request.flowId });
    return deny('the user denied the request');
  }
  // Never more than was asked for and validated, whatever the approving side returns.
  const scopes = request.scopes.filter((s) => outcome.scopes.includes(s));
  if (scopes.length === 0) {
    await emit(deps.events, { type: 'consent.denied', clientId: request.client.clientId, subject: outcome.subject, reason: 'no_scope', flowId: request.flowId });
    return deny('no scope was approved');
  }

  const now = deps.clock();
  const grantId = randomToken(16);
  const scope = formatScope(scopes);
  const code = randomToken();
  // The grant and its code in one write (one commit on SQLite).
  const grant = {
    id: grantId,
    clientId: request.client.clientId,
    subject: outcome.subject,
    scope,
    resource: request.resource,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
    ...flow,
  };
  await deps.store.createGrantWithCode(grant, {
    codeHash: sha256(code),
    grantId,
    clientId: request.client.clientId,
    subject: outcome.subject,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scope,
    resource: request.resource,
    expiresAt: now + deps.config.ttl.authorizationCode,
    usedAt: null,
    createdAt: now,
  });
  await emit(deps.events, {
    type: 'consent.given',
    clientId: request.client.clientId,
    subject: outcome.subject,
    how: outcome.how,
    scope,
    resource: request.resource,
    redirectUri: request.redirectUri,
    flowId: request.flowId,
  });
  return authorizationRedirect(deps, request.redirectUri, { code, state: request.state });
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * GET (and POST, RFC 6749 §3.1) /oauth/authorize: validates the request, asks the interaction step (demo
 * auto-approval, or the login and consent pages), and finishes it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export function authorizeRoute(deps: AuthServerDeps): Hono {
  const app = new Hono();
  const handle = async (c: Context, params: URLSearchParams): Promise<Response> => {
    const validation = await validateAuthorizationRequest(deps, params);
    if (!validation.ok) return authorizationFailure(deps, validation);
    const { client, redirectUri, scopes } = validation.request;
    // A client that never registered (a Client ID Metadata Document, the demo client) is shared by everyone who uses it.
    const unregistered = client.clientId === deps.config.demo.clientId || isClientIdMetadataUrl(client.clientId, deps.config.cimdAllowPrivateAddresses);
    const flowId = await emit(deps.events, { type: 'authorization.requested', clientId: client.clientId, scopes, redirectUri, unregistered });
    // The sink's correlation id travels with the request (login, consent, the grant), so a shared client's users stay apart.
    const request = flowId ? { ...validation.request, flowId } : validation.request;
    const interaction = deps.interaction ?? (deps.config.demo.enabled ? demoInteraction(await demoSubject(deps)) : undefined);
    if (!interaction) {
      return errorPage(503, 'temporarily_unavailable', 'Sign-in is not configured on this server, so no one can approve this request.');
    }
    return completeAuthorization(deps, request, await interaction.decide(c, request));
  };

  const limit = rateLimit(deps.rateLimits.authorize, deps.config.trustedProxies);
  app.get('/oauth/authorize', limit, (c) => handle(c, new URL(c.req.url).searchParams));
  app.post('/oauth/authorize', limit, async (c) => {
    if (!FORM.test(c.req.header('content-type') ?? '')) {
      return errorPage(415, 'invalid_request', 'A POST to the authorization endpoint must be form-encoded (application/x-www-form-urlencoded).');
    }
    return handle(c, new URLSearchParams(await c.req.text()));
  });
  return app;
}
