import type { OAuthErrorCode } from './errors.js';

/**
 * The rules a refused request broke, as the audit trail and the flow timeline name them: the spec item of
 * docs/requirements.md where there is one, and the RFC section. Never shown to clients (their text is
 * the error_description); for operators and learners.
 */
export const RULES = {
  // authorization endpoint, before the redirect URI is trusted
  clientIdMissing: 'RFC 6749 §4.1.1 client_id is required',
  unknownClient: 'AS-4 client_id is not registered (RFC 6749 §2.2)',
  clientMetadataDocument: 'AS-5 client ID metadata document refused (draft-ietf-oauth-client-id-metadata-document)',
  repeatedParameter: 'RFC 6749 §3.1 a parameter must not be repeated',
  redirectUriNotRegistered: 'AS-7 redirect_uri not registered (RFC 6749 §3.1.2)',
  redirectUriAmbiguous: 'AS-7 redirect_uri required when several are registered (RFC 6749 §3.1.2.3)',
  // authorization endpoint, answered at the redirect URI
  grantTypeNotRegistered: 'RFC 6749 §5.2 the client is not registered for this grant type',
  responseType: 'OAuth 2.1 §4.1.1 response_type must be code',
  pkceRequired: 'AS-3 PKCE with S256 is required (OAuth 2.1 §4.1.1, RFC 7636 §4.3)',
  resourceRefused: 'AS-6 resource is not served by this authorization server (RFC 8707 §2)',
  consentDenied: 'RFC 6749 §4.1.2.1 access_denied: the person refused',
  promptCombined: 'OpenID Connect Core §3.1.2.1 prompt=none cannot be combined with other values',
  promptNone: 'OpenID Connect Core §3.1.2.6 prompt=none, but a person would have to sign in or consent',
  noScopeApproved: 'RFC 6749 §3.3 no scope was approved',
  scopeUnknown: 'RFC 6749 §4.1.2.1 invalid_scope: none of the requested scopes is offered',
  // login
  loginFailed: 'wrong username or password (docs/security.md, sign-in)',
  loginThrottled: 'too many failed sign-ins (docs/security.md, sign-in limits)',
  // token endpoint
  clientAuthFailed: 'AS-12 client authentication failed (RFC 6749 §2.3)',
  codeVerifierMissing: 'AS-3 code_verifier is required (OAuth 2.1 §4.1.3)',
  codeUnknown: 'AS-3 authorization code unknown (RFC 6749 §4.1.3)',
  codeReplayed: 'AS-3 authorization code used twice: its grant is revoked (RFC 6749 §10.5)',
  codeExpired: 'AS-11 authorization code expired (RFC 6749 §4.1.2)',
  codeOtherClient: 'RFC 6749 §4.1.3 the code was issued to another client',
  tokenRedirectUriMissing: 'AS-7 redirect_uri is required at the token endpoint (RFC 6749 §4.1.3)',
  tokenRedirectUriMismatch: 'AS-7 redirect_uri differs from the authorization request (RFC 6749 §4.1.3)',
  codeVerifierMismatch: 'AS-3 code_verifier does not match the code_challenge (RFC 7636 §4.6)',
  resourceMismatch: 'AS-6 resource differs from the one authorized (RFC 8707 §2.2)',
  grantRevoked: 'RFC 6749 §10.4 the grant behind this token was revoked',
  refreshUnknown: 'AS-10 refresh token unknown (RFC 6749 §6)',
  refreshOtherClient: 'RFC 6749 §6 the refresh token was issued to another client',
  refreshRevoked: 'RFC 7009 §2.1 the refresh token was revoked',
  refreshExpired: 'AS-10 refresh token expired (RFC 6749 §6)',
  refreshReused: 'AS-10 refresh token reused after rotation: the family is revoked (OAuth 2.1 §4.3.1)',
  scopeBroadened: 'RFC 6749 §6 a refresh cannot add scope',
  // revocation
  revokeForeignToken: 'RFC 7009 §2.1 the token was issued to another client',
  // registration
  registrationRefused: 'AS-4 client metadata refused (RFC 7591 §3.2.2)',
  registrationPolicy: 'registration policy: REGISTRATION_POLICY, client_credentials only by an administrator (RFC 7591 §3, docs/security.md)',
  introspectionNotAllowed: 'RFC 7662 §2.1 only designated resource servers may introspect',
  // any endpoint
  rateLimited: 'rate limit exceeded (RFC 6585 §4)',
} as const;

/** The rule for a refusal that names none: the error code's own definition. */
export function defaultRule(code: OAuthErrorCode): string {
  return `RFC 6749 §5.2 ${code}`;
}
