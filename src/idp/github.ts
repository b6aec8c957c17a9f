import * as oauth from 'oauth4webapi';
import { refusalFrom } from './errors.js';
import { clientAuthOf, requestOptions, upstreamTokensOf } from './oidc.js';
import type { IdentityProviderConfig } from './presets.js';
import { IdpRefusal, type LoginSecrets, type RelyingParty, type UpstreamTokens } from './upstream.js';

/**
 * GitHub: OAuth 2.0 (no OpenID Connect, no ID token), so the person is read from the REST API: GET /user for the
 * stable numeric id and login, GET /user/emails for the primary verified email.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#web-application-flow
 */
export function githubRelyingParty(config: IdentityProviderConfig): RelyingParty {
  const web = config.issuer;
  const api = config.apiUrl!;
  const as: oauth.AuthorizationServer = {
    issuer: web,
    authorization_endpoint: `${web}/login/oauth/authorize`,
    token_endpoint: `${web}/login/oauth/access_token`,
  };
  const client: oauth.Client = { client_id: config.clientId };
  // GitHub takes the secret in the form body; Basic works too, but the documented way is client_secret.
  const auth = config.clientSecret ? oauth.ClientSecretPost(config.clientSecret) : clientAuthOf(config);
  const options = () => requestOptions(web);

  async function getJson(path: string, accessToken: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${api}${path}`, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'oauth-mcp',
        },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw refusalFrom(err, 'userinfo');
    }
    if (!res.ok) throw new IdpRefusal('provider_error', `GitHub answered ${res.status} to GET ${path}`);
    return res.json();
  }

  return {
    config,

    async authorizationUrl(redirectUri: string, secrets: LoginSecrets): Promise<URL> {
      const url = new URL(as.authorization_endpoint!);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', config.scopes.join(' '));
      url.searchParams.set('state', secrets.state);
      // RFC 7636 §4.3: GitHub accepts PKCE with S256.
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(secrets.codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      url.searchParams.set('allow_signup', 'false');
      return url;
    },

    async complete(redirectUri: string, callback: URL, secrets: LoginSecrets) {
      let params: URLSearchParams;
      try {
        // RFC 6749 §10.12: the state must be this browser's.
        params = oauth.validateAuthResponse(as, client, callback, secrets.state);
      } catch (err) {
        throw refusalFrom(err, 'response');
      }
      let result: oauth.TokenEndpointResponse;
      try {
        const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, secrets.codeVerifier, options());
        result = await oauth.processAuthorizationCodeResponse(as, client, response);
      } catch (err) {
        throw refusalFrom(err, 'token');
      }
      const user = (await getJson('/user', result.access_token)) as { id?: unknown; login?: unknown; name?: unknown };
      if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new IdpRefusal('provider_error', 'GitHub GET /user has no id');
      const emails = (await getJson('/user/emails', result.access_token)) as { email?: unknown; primary?: unknown; verified?: unknown }[];
      const primary = Array.isArray(emails) ? emails.find((e) => e.primary === true && e.verified === true && typeof e.email === 'string') : undefined;
      return {
        identity: {
          issuer: web,
          // The numeric id never changes; the login can be renamed and then taken by someone else.
          subject: String(user.id),
          email: primary ? (primary.email as string).toLowerCase() : null,
          emailVerified: primary !== undefined,
          name: typeof user.name === 'string' ? user.name : null,
          handle: typeof user.login === 'string' ? user.login : null,
          groups: [],
        },
        tokens: upstreamTokensOf(result),
      };
    },

    async refresh(refreshToken: string): Promise<UpstreamTokens> {
      try {
        const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, options());
        return upstreamTokensOf(await oauth.processRefreshTokenResponse(as, client, response));
      } catch (err) {
        throw refusalFrom(err, 'token');
      }
    },
  };
}
