import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { attemptKey } from './attempt-cookie.js';
import { idpCallbackRoute } from './callback-route.js';
import type { IdpDeps } from './deps.js';
import { githubRelyingParty } from './github.js';
import { oidcRelyingParty } from './oidc.js';
import { idpStartRoute } from './start-route.js';
import { createTokenVault, type TokenVault } from './token-vault.js';
import type { IdentityProviderConfig } from './presets.js';
import type { RelyingParty } from './upstream.js';

/** One relying party per configured provider, by name. */
export function relyingParties(providers: readonly IdentityProviderConfig[], clock: Clock): Map<string, RelyingParty> {
  return new Map(providers.map((p) => [p.name, p.kind === 'github' ? githubRelyingParty(p) : oidcRelyingParty(p, clock)]));
}

/** The upstream identity providers' parts, built once at the root: relying parties and the token vault. */
export function buildIdentityProviders(deps: {
  providers: readonly IdentityProviderConfig[];
  secretKey: string;
  store: Store;
  clock: Clock;
  logger: Logger;
}): { parties: Map<string, RelyingParty>; vault: TokenVault } {
  const parties = relyingParties(deps.providers, deps.clock);
  return { parties, vault: createTokenVault({ ...deps, parties }) };
}

/** GET /idp/<name>/start and /idp/<name>/callback for each configured provider (docs/identity.md). */
export function idpRoutes(deps: Omit<IdpDeps, 'attemptKey'>): Hono {
  const full: IdpDeps = { ...deps, attemptKey: attemptKey(deps.config) };
  const app = new Hono();
  app.route('/', idpStartRoute(full));
  app.route('/', idpCallbackRoute(full));
  return app;
}
