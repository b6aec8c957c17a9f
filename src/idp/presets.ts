/**
 * Upstream identity provider presets: the right defaults for each well-known provider (docs/identity.md). Pure
 * data, read by the configuration (src/config) when it validates IDP_PRESET or a config file's `preset`.
 */

export type IdpKind = 'oidc' | 'github';

export interface IdpPreset {
  label: string;
  kind: IdpKind;
  /** The issuer when it is the same for everyone; undefined when each tenant has its own (IDP_ISSUER is required). */
  issuer?: string;
  scopes: string[];
  /** The claim holding groups or roles, for IDP_REQUIRED_GROUP and IDP_ADMIN_GROUP; undefined when there is none. */
  groupsClaim?: string;
  /** How to write the issuer, shown when it is missing. */
  issuerHint?: string;
}

const OIDC = ['openid', 'email', 'profile'];

export const IDP_PRESETS = {
  // Any OpenID Connect provider, found by its issuer (OpenID Connect Discovery 1.0 §4).
  oidc: { label: 'your identity provider', kind: 'oidc', scopes: OIDC, groupsClaim: 'groups', issuerHint: 'https://idp.example.com' },
  google: { label: 'Google', kind: 'oidc', issuer: 'https://accounts.google.com', scopes: OIDC },
  // Single-tenant only: the issuer names the tenant, and the `common` endpoint's ID tokens carry another issuer.
  entra: { label: 'Microsoft', kind: 'oidc', scopes: OIDC, groupsClaim: 'groups', issuerHint: 'https://login.microsoftonline.com/<tenant-id>/v2.0' },
  okta: { label: 'Okta', kind: 'oidc', scopes: [...OIDC, 'groups'], groupsClaim: 'groups', issuerHint: 'https://<org>.okta.com/oauth2/default' },
  // Auth0 puts roles in a namespaced claim added by an Action; set groupsClaim to its name.
  auth0: { label: 'Auth0', kind: 'oidc', scopes: OIDC, groupsClaim: 'https://oauth-mcp/roles', issuerHint: 'https://<tenant>.auth0.com/' },
  keycloak: { label: 'Keycloak', kind: 'oidc', scopes: OIDC, groupsClaim: 'groups', issuerHint: 'https://<host>/realms/<realm>' },
  gitlab: { label: 'GitLab', kind: 'oidc', issuer: 'https://gitlab.com', scopes: OIDC, groupsClaim: 'groups_direct' },
  // OAuth 2.0 and the REST API, not OpenID Connect: the person is GET /user, the email GET /user/emails.
  github: { label: 'GitHub', kind: 'github', issuer: 'https://github.com', scopes: ['read:user', 'user:email'] },
} as const satisfies Record<string, IdpPreset>;

export type IdpPresetName = keyof typeof IDP_PRESETS;
export const IDP_PRESET_NAMES = Object.keys(IDP_PRESETS) as IdpPresetName[];

/** Who may sign in through a provider, and who is an administrator (docs/identity.md, policies). */
export interface IdpPolicy {
  /** Email domains allowed to sign in (verified emails only); empty: any. */
  allowedDomains: string[];
  /** Emails allowed to sign in (verified emails only); empty: any. Combined with allowedDomains: either suffices. */
  allowedEmails: string[];
  /** A group or role the person must have (in the preset's groups claim). */
  requiredGroup: string | undefined;
  adminEmails: string[];
  adminGroup: string | undefined;
}

/** One configured upstream provider, validated. */
export interface IdentityProviderConfig {
  /** The path segment: /idp/<name>/start and /idp/<name>/callback. */
  name: string;
  /** "Continue with <label>". */
  label: string;
  kind: IdpKind;
  preset: IdpPresetName;
  /** OpenID Connect: the issuer to discover. GitHub: its web address (github.com or a GitHub Enterprise Server). */
  issuer: string;
  clientId: string;
  /** Absent for a public client at the provider (PKCE only). */
  clientSecret: string | undefined;
  scopes: string[];
  groupsClaim: string | undefined;
  /** GitHub's REST API base (https://api.github.com, or <issuer>/api/v3 for GitHub Enterprise Server). */
  apiUrl: string | undefined;
  policy: IdpPolicy;
  /** Keep the provider's access and refresh tokens (encrypted) for tools to call its APIs. */
  tokenVault: boolean;
}
