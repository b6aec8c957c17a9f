import * as oauth from 'oauth4webapi';
import type { Clock } from '../clock.js';
import { refusalFrom } from './errors.js';
import type { IdentityProviderConfig } from './presets.js';
import { IdpRefusal, type LoginSecrets, type RelyingParty, type UpstreamIdentity, type UpstreamTokens } from './upstream.js';

/** How long discovered provider metadata is reused before it is read again. */
const METADATA_TTL_SECONDS = 3600;
const TIMEOUT_MS = 10_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Options for each request to a provider: a timeout, and plain http only for a provider on this machine (tests, local development). */
export function requestOptions(url: string): { [oauth.allowInsecureRequests]?: true; signal: AbortSignal } {
  const u = new URL(url);
  return { ...(u.protocol === 'http:' && LOOPBACK.has(u.hostname) && { [oauth.allowInsecureRequests]: true as const }), signal: AbortSignal.timeout(TIMEOUT_MS) };
}

export function clientAuthOf(config: IdentityProviderConfig): oauth.ClientAuth {
  return config.clientSecret ? oauth.ClientSecretBasic(config.clientSecret) : oauth.None();
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The groups or roles claim, whether the provider sends an array or one string. */
function groupsOf(claims: Record<string, unknown>, claim: string | undefined): string[] {
  const v = claim ? claims[claim] : undefined;
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** An OpenID Connect provider found by discovery, through oauth4webapi (authorization code, PKCE, state, nonce). */
export function oidcRelyingParty(config: IdentityProviderConfig, clock: Clock): RelyingParty {
  const client: oauth.Client = { client_id: config.clientId };
  const auth = clientAuthOf(config);
  const options = () => requestOptions(config.issuer);
  let cached: { as: oauth.AuthorizationServer; at: number } | undefined;

  /** OpenID Connect Discovery 1.0 §4.3: the document's issuer must be the configured one (the library checks). */
  async function metadata(): Promise<oauth.AuthorizationServer> {
    if (cached && clock() - cached.at < METADATA_TTL_SECONDS) return cached.as;
    const issuer = new URL(config.issuer);
    try {
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options(), algorithm: 'oidc' }));
      cached = { as, at: clock() };
      return as;
    } catch (err) {
      throw refusalFrom(err, 'discovery');
    }
  }

  return {
    config,

    async authorizationUrl(redirectUri: string, secrets: LoginSecrets): Promise<URL> {
      const as = await metadata();
      if (!as.authorization_endpoint) throw new IdpRefusal('provider_error', 'the provider metadata has no authorization_endpoint');
      const url = new URL(as.authorization_endpoint);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', config.scopes.join(' '));
      url.searchParams.set('state', secrets.state);
      // OpenID Connect Core §3.1.2.1: the nonce binds the ID token to this browser's attempt.
      url.searchParams.set('nonce', secrets.nonce);
      // RFC 7636 §4.3: S256.
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(secrets.codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      return url;
    },

    async complete(redirectUri: string, callback: URL, secrets: LoginSecrets) {
      const as = await metadata();
      let params: URLSearchParams;
      try {
        // RFC 9207 §2.4: an `iss` that is not this provider's issuer is refused (mix-up); so is a wrong state (RFC 6749 §10.12).
        params = oauth.validateAuthResponse(as, client, callback, secrets.state);
      } catch (err) {
        throw refusalFrom(err, 'response');
      }
      let result: oauth.TokenEndpointResponse;
      try {
        const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, secrets.codeVerifier, options());
        // OpenID Connect Core §3.1.3.7: iss, aud, exp, iat and nonce of the ID token; the library checks each.
        result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: secrets.nonce, requireIdToken: true });
        // And its signature against the provider's JWKS, so an altered token is refused even over TLS.
        await oauth.validateApplicationLevelSignature(as, response, options());
      } catch (err) {
        throw refusalFrom(err, 'token');
      }
      const claims = oauth.getValidatedIdTokenClaims(result)! as Record<string, unknown> & { sub: string; iss: string };
      let merged: Record<string, unknown> = claims;
      if (as.userinfo_endpoint) {
        try {
          // OpenID Connect Core §5.3.2: the UserInfo sub must equal the ID token's (the library checks).
          const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, result.access_token, options()));
          // The signed ID token's claims win over UserInfo's.
          merged = { ...info, ...claims };
        } catch (err) {
          throw refusalFrom(err, 'userinfo');
        }
      }
      const identity: UpstreamIdentity = {
        issuer: claims.iss,
        subject: claims.sub,
        email: str(merged.email)?.toLowerCase() ?? null,
        emailVerified: merged.email_verified === true,
        name: str(merged.name),
        handle: str(merged.preferred_username) ?? str(merged.nickname),
        groups: groupsOf(merged, config.groupsClaim),
      };
      return { identity, tokens: upstreamTokensOf(result) };
    },

    async refresh(refreshToken: string): Promise<UpstreamTokens> {
      const as = await metadata();
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, options());
        return upstreamTokensOf(await oauth.processRefreshTokenResponse(as, client, response));
      } catch (err) {
        throw refusalFrom(err, 'token');
      }
    },
  };
}

/** The tokens of a token endpoint answer, as the vault keeps them (github.ts uses it too). */
export const upstreamTokensOf = (r: oauth.TokenEndpointResponse): UpstreamTokens => ({
  accessToken: r.access_token,
  refreshToken: r.refresh_token,
  expiresIn: r.expires_in,
  scope: r.scope,
});
