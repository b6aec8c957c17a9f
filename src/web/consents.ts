import type { ValidatedAuthorizationRequest } from '../auth-server/interaction.js';
import type { Clock } from '../clock.js';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import { formatScope, parseScope } from '../oauth/scopes.js';
import type { Store } from '../store/store.js';

type Deps = { store: Store; clock: Clock; scopes: ScopeCatalog };

/** The scopes this person already allowed this client at this resource. */
export async function consentedScopes(deps: Deps, subject: string, request: ValidatedAuthorizationRequest): Promise<string[]> {
  const consent = await deps.store.getConsent(subject, request.client.clientId, request.resource);
  return consent ? parseScope(consent.scope) : [];
}

/**
 * True when an earlier consent covers every scope asked for; a request for any scope beyond it asks again.
 * Scopes are compared by name: consenting to write is not taken as consent to read.
 */
export async function consentCovers(deps: Deps, subject: string, request: ValidatedAuthorizationRequest): Promise<boolean> {
  // RFC 6749 §10.2: a public client's identity cannot be assured (anyone can use its client_id and a loopback or
  // custom-scheme redirect), so a remembered consent never approves it silently: the page every time.
  if (request.client.tokenEndpointAuthMethod === 'none') return false;
  const allowed = await consentedScopes(deps, subject, request);
  return request.scopes.every((s) => allowed.includes(s));
}

/**
 * Remembers the consent per scope: the scopes granted now are added to those given before for the same client and
 * resource; a scope asked for and left unticked now is withdrawn.
 */
export async function rememberConsent(deps: Deps, subject: string, request: ValidatedAuthorizationRequest, granted: readonly string[] = request.scopes): Promise<void> {
  const before = await consentedScopes(deps, subject, request);
  const merged = deps.scopes.order([...granted, ...before.filter((s) => !request.scopes.includes(s))]);
  const now = deps.clock();
  await deps.store.saveConsent({
    subject,
    clientId: request.client.clientId,
    resource: request.resource,
    scope: formatScope(merged),
    createdAt: now,
    updatedAt: now,
  });
}

/** Each scope with the plain words the pages show for it. */
export function describeScopes(catalog: ScopeCatalog, scopes: readonly string[]): { name: string; words: string }[] {
  return scopes.map((name) => ({ name, words: catalog.describe(name) }));
}
