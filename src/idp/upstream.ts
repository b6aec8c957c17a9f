import type { IdentityProviderConfig } from './presets.js';

/** Who the provider says the person is, mapped from its claims (OpenID Connect) or its user API (GitHub). */
export interface UpstreamIdentity {
  /** With `subject`, the only key a person is found by: an email can change or be reassigned upstream. */
  issuer: string;
  subject: string;
  email: string | null;
  /** Only a verified email counts for the allowed-domain and allowed-email policies. */
  emailVerified: boolean;
  name: string | null;
  /** A short handle (preferred_username, GitHub login), used for the username when there is no email. */
  handle: string | null;
  groups: string[];
}

/** The provider's tokens for the person; kept only when the token vault is on, and never given to an MCP client. */
export interface UpstreamTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Seconds from now, when the provider said. */
  expiresIn: number | undefined;
  scope: string | undefined;
}

/** What a sign-in needs to remember between the redirect to the provider and the return. */
export interface LoginSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** One configured provider, as the routes use it: where to send the person, and how to read the answer. */
export interface RelyingParty {
  readonly config: IdentityProviderConfig;
  /** The provider's authorization endpoint with our client, PKCE (RFC 7636), state and, for OpenID Connect, nonce. */
  authorizationUrl(redirectUri: string, secrets: LoginSecrets): Promise<URL>;
  /** Checks the answer at the callback and exchanges the code; throws an IdpRefusal for anything wrong. */
  complete(redirectUri: string, callback: URL, secrets: LoginSecrets): Promise<{ identity: UpstreamIdentity; tokens: UpstreamTokens }>;
  /** A fresh access token from a refresh token (the token vault). */
  refresh(refreshToken: string): Promise<UpstreamTokens>;
}

export type IdpRefusalReason =
  | 'expired'
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'nonce_mismatch'
  | 'id_token_invalid'
  | 'access_denied'
  | 'provider_error'
  | 'provider_unreachable'
  | 'not_allowed';

/** A sign-in through a provider that was refused: a short text for the page, the detail for the log and audit trail. */
export class IdpRefusal extends Error {
  override name = 'IdpRefusal';
  constructor(
    readonly reason: IdpRefusalReason,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason}: ${detail}`, options);
  }
}
