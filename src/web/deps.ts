import type { AuthServerDeps } from '../auth-server/deps.js';
import type { UsersService } from '../users/users-service.js';
import type { LoginThrottle } from './login-throttle.js';

/** What the pages are built from: the authorization server's deps, plus parts tests may replace. */
export type WebDeps = AuthServerDeps & {
  /** Defaults to users kept in deps.store with scrypt hashes. */
  users?: UsersService;
  /** Failed sign-ins per account and address; the runtime's is on RATE_LIMIT_STORE, the default a fresh in-memory one. */
  loginThrottle?: LoginThrottle;
  /** How a failed sign-in is held back; tests record the delays instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Each scope's words and the tools it unlocks (consent page); defaults to the words of deps.scopes, no tools. */
  consentCatalog?: import('./scope-catalog.js').ConsentCatalog;
  /** Upstream identity providers (src/idp/routes.ts buildIdentityProviders); built from config.identityProviders when absent. */
  identity?: { parties: ReadonlyMap<string, import('../idp/upstream.js').RelyingParty>; vault: import('../idp/token-vault.js').TokenVault };
};

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
