import type { IdentityProviderConfig } from '../idp/presets.js';

/**
 * The plain values the authorization server's routes read, translated once from the public options
 * (runtime/authorization-server.ts). The CLI's environment `Config` has the same shape, so it is never read here.
 */
export interface AuthServerSettings {
  authServer: { issuer: string };
  /** Derives the keys that encrypt signing keys at rest, sign CSRF tokens and rotate refresh tokens. */
  secretKey: string;
  /** Demo mode: its user and fixed confidential client, and the original's fixed authorization code. */
  demo: { enabled: boolean; clientId: string; clientSecret: string; authorizationCode: string; username: string };
  /** Seconds. */
  ttl: { accessToken: number; refreshToken: number; authorizationCode: number; refreshGrace: number };
  /** Proxies whose X-Forwarded-For is believed (http/client-ip.ts). */
  trustedProxies: readonly string[];
  /** Lets Client ID Metadata Documents be fetched from private addresses (tests, local development). */
  cimdAllowPrivateAddresses: boolean;
  /** Upstream identity providers people may sign in with (docs/identity.md); none by default. */
  identityProviders: readonly IdentityProviderConfig[];
  /** The login page's username and password form; false leaves only the upstream providers. */
  localPasswords: boolean;
  /** Dynamic registration (RFC 7591): `open` (authorization-code clients only), `token` (initial access token), `closed`. */
  registrationPolicy: 'open' | 'token' | 'closed';
  /** Client ID Metadata Document hosts: when `allowed` is non-empty only those domains (and subdomains); never `denied` ones. */
  cimdDomains: { allowed: readonly string[]; denied: readonly string[] };
}
