import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { makeAuthServer } from '../helpers/auth-server.js';
import { freePort } from '../helpers/ports.js';

/**
 * The authorization server on a real port, driven by oauth4webapi, a strict and independent OAuth 2.1 client:
 * discovery, dynamic registration, authorization code + PKCE, refresh rotation, client credentials with both
 * secret methods, revocation and introspection.
 */

const MCP_RESOURCE = 'http://127.0.0.1:5001/mcp/v1';
const REDIRECT_URI = 'http://127.0.0.1:43117/callback';
// Loopback only: oauth4webapi refuses http unless told otherwise.
const insecure = { [oauth.allowInsecureRequests]: true } as const;


let issuer: URL;
let server: Listening;
let closeStore: () => Promise<void>;
let designate: (clientId: string) => Promise<void>;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  const port = await freePort();
  issuer = new URL(`http://127.0.0.1:${port}`);
  // The real clock: oauth4webapi checks token times against the machine's.
  const s = await makeAuthServer({ OAUTH_ISSUER: issuer.origin }, { clock: systemClock });
  closeStore = s.close;
  // What `oauth-mcp clients add ... --introspect` does: only designated resource servers may introspect.
  designate = (clientId) => s.store.designateResourceServer(clientId, s.clock());
  // As `oauth-mcp start` serves it: POST /oauth/token answered by node:http directly (auth-server/token-direct.ts).
  server = await listen(s.app, '127.0.0.1', port, undefined, s.direct);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
});

afterAll(async () => {
  await server.close(0);
  await closeStore();
});

async function register(metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>>): Promise<oauth.Client> {
  const res = await oauth.dynamicClientRegistrationRequest(as, metadata, insecure);
  return oauth.processDynamicClientRegistrationResponse(res);
}

/** Runs authorize (demo mode approves) and the code exchange for a client; returns the token response. */
async function authorizationCodeFlow(client: oauth.Client, auth: oauth.ClientAuth) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    scope: 'read write',
    state,
    resource: MCP_RESOURCE,
  }).toString();
  const redirect = await fetch(url, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const location = new URL(redirect.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  // AS-8: checks iss (RFC 9207) and state; throws on an error response.
  const params = oauth.validateAuthResponse(as, client, location, state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, {
    ...insecure,
    additionalParameters: { resource: MCP_RESOURCE },
  });
  expect(res.headers.get('cache-control')).toBe('no-store');
  return oauth.processAuthorizationCodeResponse(as, client, res);
}

/** oauth4webapi's own RFC 9068 validation, as a resource server would do it. */
function validateAccessToken(token: string) {
  const request = new Request(MCP_RESOURCE, { headers: { authorization: `Bearer ${token}` } });
  return oauth.validateJwtAccessToken(as, request, MCP_RESOURCE, { ...insecure, signingAlgorithms: ['ES256'] });
}

describe('oauth4webapi against a listening authorization server', () => {
  it('AS-1, AS-2: discovery yields a consistent issuer and the advertised capabilities', () => {
    expect(as.issuer).toBe(issuer.origin);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']));
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.token_endpoint).toBe(`${issuer.origin}/oauth/token`);
  });

  it('AS-3, AS-9, AS-10: a public client: DCR, authorization code + PKCE, RFC 9068 token, refresh rotation with grace, revocation', async () => {
    const client = await register({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', client_name: 'e2e public' });
    expect(client.client_secret).toBeUndefined();
    const tokens = await authorizationCodeFlow(client, oauth.None());
    expect(tokens.token_type).toBe('bearer'); // oauth4webapi normalises to lower case
    expect(tokens.scope).toBe('read write');
    expect(tokens.expires_in).toBe(3600);
    const claims = await validateAccessToken(tokens.access_token);
    expect(claims).toMatchObject({ iss: issuer.origin, aud: MCP_RESOURCE, client_id: client.client_id, sub: 'demo-user', scope: 'read write' });

    const first = tokens.refresh_token!;
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first, { ...insecure, additionalParameters: { scope: 'read' } }),
    );
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(first);
    expect(refreshed.scope).toBe('read');
    expect((await validateAccessToken(refreshed.access_token)).scope).toBe('read');
    // Within the grace window a second use of the old token gets the same successor (interop note 9).
    const again = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first, insecure));
    expect(again.refresh_token).toBe(refreshed.refresh_token);

    // AS-13: revoking the refresh token ends the grant; the next refresh is invalid_grant.
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure));
    const after = oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure));
    await expect(after).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('AS-12: a confidential client with client_secret_basic runs the same flow', async () => {
    const client = await register({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_basic' });
    const tokens = await authorizationCodeFlow(client, oauth.ClientSecretBasic(client.client_secret as string));
    expect((await validateAccessToken(tokens.access_token)).client_id).toBe(client.client_id);
  });

  it('AS-12: client_credentials with client_secret_basic and with client_secret_post', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      const client = await register({ grant_types: ['client_credentials'], token_endpoint_auth_method: method, scope: 'read write' });
      const secret = client.client_secret as string;
      const auth = method === 'client_secret_basic' ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret);
      const res = await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read', resource: MCP_RESOURCE }, insecure);
      const tokens = await oauth.processClientCredentialsResponse(as, client, res);
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.scope).toBe('read');
      expect(await validateAccessToken(tokens.access_token)).toMatchObject({ sub: client.client_id, client_id: client.client_id, scope: 'read' });
      // A wrong secret is refused with 401: over Basic with a Basic challenge (RFC 6749 §5.2), over post as invalid_client.
      const wrong = method === 'client_secret_basic' ? oauth.ClientSecretBasic('wrong') : oauth.ClientSecretPost('wrong');
      const refused = oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, wrong, {}, insecure));
      if (method === 'client_secret_basic') {
        const err = await refused.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
        expect(err).toMatchObject({ status: 401, cause: [{ scheme: 'basic', parameters: { realm: 'oauth-mcp' } }] });
      } else {
        await expect(refused).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
      }
    }
  });

  it('AS-13: introspection by a designated resource server, before and after revoking an access token', async () => {
    const rs = await register({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
    const rsAuth = oauth.ClientSecretBasic(rs.client_secret as string);
    await designate(rs.client_id);
    const app = await register({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_post' });
    const appAuth = oauth.ClientSecretPost(app.client_secret as string);
    const tokens = await authorizationCodeFlow(app, appAuth);

    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(as, rs, await oauth.introspectionRequest(as, rs, rsAuth, token, insecure));
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      client_id: app.client_id,
      sub: 'demo-user',
      aud: MCP_RESOURCE,
      iss: issuer.origin,
      scope: 'read write',
      token_type: 'Bearer',
    });
    expect(await introspect(tokens.refresh_token!)).toMatchObject({ active: true, client_id: app.client_id });

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, app, appAuth, tokens.access_token, insecure));
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    expect((await introspect(tokens.refresh_token!)).active).toBe(true);
  });
});
