import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/oauth/crypto.js';
import { makeAuthServer } from '../helpers/auth-server.js';
import { addClient, basicAuth, issueCode, postAs, postForm, type TestClient } from '../helpers/oauth-fixtures.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
const REVOKE = '/oauth/revoke';

let s: Server;

async function tokensFor(c: TestClient) {
  const code = await issueCode(s.deps, c);
  const res = await postAs(s.app, '/oauth/token', c, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri });
  expect(res.status).toBe(200);
  const body = await res.json();
  return { grantId: code.grantId, accessToken: body.access_token as string, refreshToken: body.refresh_token as string };
}

/** Introspects as `caller`, designating it a resource server first (RFC 7662 §2.1: only those may introspect). */
const introspect = async (caller: TestClient, token: string) => {
  await s.store.designateResourceServer(caller.clientId, s.clock());
  return (await postAs(s.app, '/oauth/introspect', caller, { token })).json();
};

beforeEach(async () => {
  s = await makeAuthServer();
});
afterEach(() => s.close());

describe('POST /oauth/revoke (AS-13, RFC 7009)', () => {
  it('AS-13: revoking a refresh token revokes it and its whole grant; a refresh with it then fails', async () => {
    const client = await addClient(s.deps, 'none');
    const t = await tokensFor(client);
    const res = await postAs(s.app, REVOKE, client, { token: t.refreshToken, token_type_hint: 'refresh_token' });
    expect(res.status).toBe(200);
    expect((await s.store.getRefreshToken(sha256(t.refreshToken)))?.revokedAt).toBe(s.clock());
    expect((await s.store.getGrant(t.grantId))?.revokedAt).toBe(s.clock());
    const refresh = await postAs(s.app, '/oauth/token', client, { grant_type: 'refresh_token', refresh_token: t.refreshToken });
    expect((await refresh.json()).error).toBe('invalid_grant');
  });

  it('AS-13: revoking an access token records its jti until it expires; introspection then says inactive', async () => {
    const client = await addClient(s.deps, 'client_secret_basic');
    const t = await tokensFor(client);
    const before = await introspect(client, t.accessToken);
    expect(before.active).toBe(true);
    const res = await postAs(s.app, REVOKE, client, { token: t.accessToken, token_type_hint: 'access_token' });
    expect(res.status).toBe(200);
    expect(await s.store.isAccessTokenRevoked(before.jti)).toBe(true);
    expect(await introspect(client, t.accessToken)).toEqual({ active: false });
    // Revoking one access token leaves the grant (and its refresh token) alone.
    expect((await s.store.getGrant(t.grantId))?.revokedAt).toBeNull();
  });

  it('AS-13: a wrong or missing token_type_hint does not stop the revocation (RFC 7009 §2.1)', async () => {
    const client = await addClient(s.deps, 'client_secret_post');
    const t = await tokensFor(client);
    expect((await postAs(s.app, REVOKE, client, { token: t.refreshToken, token_type_hint: 'access_token' })).status).toBe(200);
    expect((await s.store.getGrant(t.grantId))?.revokedAt).not.toBeNull();
    const u = await tokensFor(client);
    expect((await postAs(s.app, REVOKE, client, { token: u.accessToken, token_type_hint: 'bogus' })).status).toBe(200);
    expect((await introspect(client, u.accessToken)).active).toBe(false);
    const v = await tokensFor(client);
    expect((await postAs(s.app, REVOKE, client, { token: v.accessToken })).status).toBe(200);
    expect((await introspect(client, v.accessToken)).active).toBe(false);
  });

  it('AS-13: unknown, garbage and already revoked tokens get 200 (RFC 7009 §2.2)', async () => {
    const client = await addClient(s.deps, 'none');
    const t = await tokensFor(client);
    for (const token of ['unknown', 'a.b.c', t.refreshToken, t.refreshToken]) {
      const res = await postAs(s.app, REVOKE, client, { token });
      expect(res.status).toBe(200);
    }
  });

  it('AS-13: a token of another client is not revoked, and the answer is still 200', async () => {
    const owner = await addClient(s.deps, 'client_secret_basic');
    const thief = await addClient(s.deps, 'none');
    const t = await tokensFor(owner);
    expect((await postAs(s.app, REVOKE, thief, { token: t.refreshToken })).status).toBe(200);
    expect((await postAs(s.app, REVOKE, thief, { token: t.accessToken })).status).toBe(200);
    expect((await s.store.getGrant(t.grantId))?.revokedAt).toBeNull();
    expect((await introspect(owner, t.accessToken)).active).toBe(true);
    expect((await introspect(owner, t.refreshToken)).active).toBe(true);
  });

  it('AS-13: an access token signed by someone else is ignored with 200', async () => {
    const client = await addClient(s.deps, 'client_secret_basic');
    const other = await makeAuthServer();
    try {
      const foreignClient = await addClient(other.deps, 'client_secret_basic', { clientId: client.clientId, secret: client.secret });
      const code = await issueCode(other.deps, foreignClient);
      const foreign = await (
        await postAs(other.app, '/oauth/token', foreignClient, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri })
      ).json();
      expect((await postAs(s.app, REVOKE, client, { token: foreign.access_token })).status).toBe(200);
      const jti = JSON.parse(Buffer.from(foreign.access_token.split('.')[1], 'base64url').toString()).jti;
      expect(await s.store.isAccessTokenRevoked(jti)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('AS-13: the client must authenticate: a bad secret is 401 invalid_client and nothing is revoked', async () => {
    const client = await addClient(s.deps, 'client_secret_basic');
    const t = await tokensFor(client);
    const res = await postForm(s.app, REVOKE, { token: t.refreshToken }, { Authorization: basicAuth(client.clientId, 'wrong') });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth-mcp"');
    expect((await res.json()).error).toBe('invalid_client');
    expect((await s.store.getGrant(t.grantId))?.revokedAt).toBeNull();
    expect((await postForm(s.app, REVOKE, { token: t.refreshToken })).status).toBe(401);
  });

  it('AS-13: a missing token is invalid_request; a JSON body is invalid_request', async () => {
    const client = await addClient(s.deps, 'none');
    expect(await (await postAs(s.app, REVOKE, client, {})).json()).toMatchObject({ error: 'invalid_request' });
    const json = await s.app.request(REVOKE, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: 'x', client_id: client.clientId }) });
    expect(json.status).toBe(400);
    expect((await json.json()).error).toBe('invalid_request');
  });
});
