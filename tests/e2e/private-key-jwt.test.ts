import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { makeAuthServer } from '../helpers/auth-server.js';
import { freePort } from '../helpers/ports.js';

/**
 * private_key_jwt (RFC 7523 §2.2) with oauth4webapi's PrivateKeyJwt against a listening authorization server:
 * clients registered with jwks by value and with jwks_uri (served on loopback, allowed by the test setting
 * CIMD_ALLOW_PRIVATE_ADDRESSES), client_credentials, and the refusals: a replayed assertion, another key, an
 * assertion for another audience, a secret where a key is registered.
 */

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let issuer: URL;
let server: Listening;
let closeStore: () => Promise<void>;
let as: oauth.AuthorizationServer;
let jwksServer: Server;
let jwksUrl: string;
let served: { keys: unknown[] } = { keys: [] };
let jwksFetches = 0;

beforeAll(async () => {
  const port = await freePort();
  issuer = new URL(`http://127.0.0.1:${port}`);
  const s = await makeAuthServer({ OAUTH_ISSUER: issuer.origin, CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' }, { clock: systemClock });
  closeStore = s.close;
  server = await listen(s.app, '127.0.0.1', port, undefined, s.direct);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  jwksServer = createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await server.close(0);
  await closeStore();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});

async function register(metadata: Record<string, unknown>): Promise<oauth.Client> {
  const res = await oauth.dynamicClientRegistrationRequest(as, { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', scope: 'read write', ...metadata }, insecure);
  return oauth.processDynamicClientRegistrationResponse(res);
}

const publicJwk = async (key: CryptoKeyPair) => ({ ...(await exportJWK(key.publicKey)), kid: randomUUID() });

/** An assertion made by hand, so a test can send it twice or break a claim. */
async function assertion(clientId: string, key: CryptoKeyPair, claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID(), iss: clientId, sub: clientId, aud: issuer.origin, iat: now, exp: now + 60, ...claims })
    .setProtectedHeader({ alg: 'ES256' })
    .sign(key.privateKey);
}

const postAssertion = (jwt: string) =>
  fetch(as.token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: jwt }),
  });

describe('private_key_jwt client authentication (RFC 7523 §2.2)', () => {
  it('is advertised with its signing algorithms', () => {
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(as.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'EdDSA']));
  });

  it('client_credentials with jwks by value, through oauth4webapi: ES256 and EdDSA keys', async () => {
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const key = await oauth.generateKeyPair(alg);
      const client = await register({ jwks: { keys: [await publicJwk(key)] } });
      expect(client.client_secret).toBeUndefined();
      const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt(key.privateKey), { scope: 'read' }, insecure);
      const tokens = await oauth.processClientCredentialsResponse(as, client, res);
      expect(tokens.scope).toBe('read');
    }
  });

  it('client_credentials with jwks_uri: the keys are fetched from the client', async () => {
    const key = await oauth.generateKeyPair('ES256');
    served = { keys: [await publicJwk(key)] };
    const client = await register({ jwks_uri: jwksUrl });
    const before = jwksFetches;
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt(key.privateKey), {}, insecure);
    expect((await oauth.processClientCredentialsResponse(as, client, res)).access_token).toBeTruthy();
    expect(jwksFetches).toBeGreaterThan(before);
  });

  it('a replayed assertion is refused (jti seen), the first use is not', async () => {
    const key = await oauth.generateKeyPair('ES256');
    const client = await register({ jwks: { keys: [await publicJwk(key)] } });
    const jwt = await assertion(client.client_id, key);
    expect((await postAssertion(jwt)).status).toBe(200);
    const replay = await postAssertion(jwt);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses another key, another audience, a far expiry and a secret in place of the key', async () => {
    const key = await oauth.generateKeyPair('ES256');
    const client = await register({ jwks: { keys: [await publicJwk(key)] } });
    const other = await oauth.generateKeyPair('ES256');
    expect((await postAssertion(await assertion(client.client_id, other))).status).toBe(401);
    expect((await postAssertion(await assertion(client.client_id, key, { aud: 'https://other.example' }))).status).toBe(401);
    expect((await postAssertion(await assertion(client.client_id, key, { exp: Math.floor(Date.now() / 1000) + 3600 }))).status).toBe(401);
    const withSecret = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost('guess'), {}, insecure);
    expect(withSecret.status).toBe(401);
    // The token endpoint URL is an accepted audience too (RFC 7523 §3 item 3).
    expect((await postAssertion(await assertion(client.client_id, key, { aud: as.token_endpoint }))).status).toBe(200);
  });
});
