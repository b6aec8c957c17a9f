import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/oauth/crypto.js';
import { makeAuthServer } from '../helpers/auth-server.js';

/** RFC 7592: the client configuration endpoint, in process, on a fresh SQLite store per test. */

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
let s: Server;
afterEach(async () => s?.close());

const json = { 'content-type': 'application/json' };
const REDIRECT = 'https://app.example/cb';

async function registerClient(metadata: Record<string, unknown> = {}) {
  s = await makeAuthServer();
  const res = await s.app.request('/oauth/register', { method: 'POST', headers: json, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'first', ...metadata }) });
  expect(res.status).toBe(201);
  return (await res.json()) as Registration;
}

type Registration = { client_id: string; registration_client_uri: string; registration_access_token: string } & Record<string, unknown>;

const path = (uri: string) => new URL(uri).pathname;
const withToken = (token: string, init: RequestInit = {}) => ({ ...init, headers: { ...json, authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

describe('client configuration endpoint (RFC 7592)', () => {
  it('registration returns registration_client_uri and a registration access token stored only as its hash', async () => {
    const reg = await registerClient();
    expect(reg.registration_client_uri).toBe(`${s.config.authServer.issuer}/oauth/register/${reg.client_id}`);
    expect(reg.registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await s.store.getClientByRegistrationToken(reg.client_id, sha256(reg.registration_access_token!))).toBeDefined();
    expect(await s.store.getClientByRegistrationToken(reg.client_id, reg.registration_access_token!)).toBeUndefined();
  });

  it('GET reads the registration and rotates the token: the old one no longer works', async () => {
    const reg = await registerClient();
    const res = await s.app.request(path(reg.registration_client_uri!), withToken(reg.registration_access_token!));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const info = (await res.json()) as Registration;
    expect(info).toMatchObject({ client_id: reg.client_id, client_name: 'first', redirect_uris: [REDIRECT], registration_client_uri: reg.registration_client_uri });
    expect(info.registration_access_token).not.toBe(reg.registration_access_token);
    expect((await s.app.request(path(reg.registration_client_uri!), withToken(reg.registration_access_token!))).status).toBe(401);
    expect((await s.app.request(path(reg.registration_client_uri!), withToken(info.registration_access_token!))).status).toBe(200);
  });

  it('PUT replaces the metadata (redirect URIs, keys) and the token endpoint then sees the change', async () => {
    const reg = await registerClient();
    const res = await s.app.request(
      path(reg.registration_client_uri!),
      withToken(reg.registration_access_token!, { method: 'PUT', body: JSON.stringify({ client_id: reg.client_id, redirect_uris: ['https://app.example/new'], token_endpoint_auth_method: 'none', client_name: 'renamed', dpop_bound_access_tokens: true }) }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ redirect_uris: ['https://app.example/new'], client_name: 'renamed', dpop_bound_access_tokens: true });
    expect(await s.store.getClient(reg.client_id)).toMatchObject({ redirectUris: ['https://app.example/new'], clientName: 'renamed' });
  });

  it('PUT refusals: another client_id, a server-issued field, a broken redirect URI, a change of auth method; nothing is changed', async () => {
    const reg = await registerClient();
    const put = (body: Record<string, unknown>) =>
      s.app.request(path(reg.registration_client_uri!), withToken(reg.registration_access_token!, { method: 'PUT', body: JSON.stringify({ client_id: reg.client_id, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', ...body }) }));
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ client_id: 'someone-else' }, 'invalid_request', /client_id in the body/],
      [{ registration_access_token: 'x' }, 'invalid_request', /must not be included/],
      [{ redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri', /redirect_uris\[0\]/],
      [{ token_endpoint_auth_method: 'client_secret_basic' }, 'invalid_client_metadata', /cannot change/],
    ];
    for (const [body, error, description] of cases) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error, error_description: expect.stringMatching(description) });
    }
    expect(await s.store.getClient(reg.client_id)).toMatchObject({ redirectUris: [REDIRECT], clientName: 'first' });
    // The token was not rotated by a refused update.
    expect((await s.app.request(path(reg.registration_client_uri!), withToken(reg.registration_access_token!))).status).toBe(200);
  });

  it('PUT cannot add the client_credentials grant outside demo mode (what registration refuses, an update refuses too)', async () => {
    s = await makeAuthServer({ DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40) });
    const created = await s.app.request('/oauth/register', { method: 'POST', headers: json, body: JSON.stringify({ redirect_uris: [REDIRECT], client_name: 'confidential' }) });
    expect(created.status).toBe(201);
    const reg = (await created.json()) as Registration;
    const res = await s.app.request(
      path(reg.registration_client_uri),
      withToken(reg.registration_access_token, { method: 'PUT', body: JSON.stringify({ client_id: reg.client_id, redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'client_credentials'] }) }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/client_credentials/) });
    expect((await s.store.getClient(reg.client_id))?.grantTypes).not.toContain('client_credentials');
  });

  it('DELETE removes the client (204); then the token, the client id and a second delete get 401', async () => {
    const reg = await registerClient();
    const grant = { id: `g-${reg.client_id}`, clientId: reg.client_id, subject: 'someone', scope: 'read', resource: 'http://127.0.0.1:5001/mcp/v1', createdAt: s.clock(), lastUsedAt: s.clock(), revokedAt: null };
    await s.store.createGrant(grant);
    const del = await s.app.request(path(reg.registration_client_uri!), withToken(reg.registration_access_token!, { method: 'DELETE' }));
    expect(del.status).toBe(204);
    expect(await s.store.getClient(reg.client_id)).toBeUndefined();
    // RFC 7592 §2.3: the client's grants (and so its refresh tokens) are revoked with it.
    expect((await s.store.getGrant(grant.id))?.revokedAt).toBe(s.clock());
    const again = await s.app.request(path(reg.registration_client_uri!), withToken(reg.registration_access_token!, { method: 'DELETE' }));
    expect(again.status).toBe(401);
  });

  it('refuses without a token, with a wrong token, and with another client\'s token (401 invalid_token, Bearer challenge)', async () => {
    const reg = await registerClient();
    const other = (await (await s.app.request('/oauth/register', { method: 'POST', headers: json, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }) })).json()) as Registration;
    for (const init of [{ headers: json }, withToken('wrong'), withToken(other.registration_access_token!)]) {
      const res = await s.app.request(path(reg.registration_client_uri!), init);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    }
    // Nothing was deleted or rotated by the refusals.
    expect((await s.app.request(path(reg.registration_client_uri!), withToken(reg.registration_access_token!))).status).toBe(200);
  });
});
