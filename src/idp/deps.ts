import type { WebDeps } from '../web/deps.js';
import type { TokenVault } from './token-vault.js';
import type { RelyingParty } from './upstream.js';

/** What the /idp/ routes are built from: the pages' deps, one relying party per configured provider, the vault. */
export type IdpDeps = WebDeps & {
  parties: ReadonlyMap<string, RelyingParty>;
  vault: TokenVault;
  /** The attempt cookie's key (attempt-cookie.ts), derived once. */
  attemptKey: Buffer;
};

/** The redirect URI to register at a provider: <OAUTH_ISSUER>/idp/<name>/callback. */
export function idpRedirectUri(issuer: string, name: string): string {
  return `${issuer}/idp/${name}/callback`;
}
