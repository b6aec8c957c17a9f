import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAuthServer } from '../helpers/auth-server.js';
import { addClient, basicAuth, issueCode, postAs, postForm, type TestClient } from '../helpers/oauth-fixtures.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
const INTROSPECT = '/oauth/introspect';

let s: Server;
let resourceServer: TestClient;
let app: TestClient;

async function tokensFor(c: TestClient, scope = 'read write') {
  const code = await issueCode(s.deps, c, { scope, subject: 'alice' });
  const res = await postAs(s.app, '/oauth/token', c, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri });
  const body = await res.json();
  return { grantId: code.grantId, accessToken: body.access_token as string, refreshToken: body.refresh_token as string };
}

const introspect = (token: string, caller: TestClient = resourceServer) => postAs(s.app, INTROSPECT, caller, { token });

beforeEach(async () => {
  s = await makeAuthServer();
  resourceServer = await addClient(s.deps, 'client_secret_basic', { grantTypes: ['client_credentials'] });
  // `oauth-mcp clients add ... --introspect`: only designated resource servers may introspect (RFC 7662 §2.1).
  await s.store.designateResourceServer(resourceServer.clientId, s.clock());
  app = await addClient(s.deps, 'none');
});
afterEach(() => s.close());

describe('POST /oauth/introspect (AS-13, RFC 7662)', () => {
  it('AS-13: an active access token: active true with scope, client_id, sub, aud, iss, exp, iat, token_type; no-store', async () => {
    const t = await tokensFor(app, 'read');
    const res = await introspect(t.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      active: true,
      token_type: 'Bearer',
      scope: 'read',
      client_id: app.clientId,
      sub: 'alice',
      aud: 'http://127.0.0.1:5001/mcp/v1',
      iss: 'http://127.0.0.1:5000',
      iat: s.clock(),
      exp: s.clock() + s.config.ttl.accessToken,
      jti: expect.any(String),
    });
  });

  it('AS-13: an active refresh token: active true with its scope, client, subject, resource and expiry', async () => {
    const t = await tokensFor(app);
    expect(await (await introspect(t.refreshToken)).json()).toEqual({
      active: true,
      scope: 'read write',
      client_id: app.clientId,
      sub: 'alice',
      aud: 'http://127.0.0.1:5001/mcp/v1',
      iss: 'http://127.0.0.1:5000',
      iat: s.clock(),
      exp: s.clock() + s.config.ttl.refreshToken,
    });
  });

  it('AS-11: an expired access token is inactive', async () => {
    const t = await tokensFor(app);
    s.clock.advance(s.config.ttl.accessToken);
    expect(await (await introspect(t.accessToken)).json()).toEqual({ active: false });
  });

  it('AS-13: a tampered access token, garbage and unknown tokens are inactive', async () => {
    const t = await tokensFor(app);
    const [h, p, sig] = t.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${sig}`;
    for (const token of [forged, 'garbage', 'a.b.c', t.refreshToken.slice(1)]) {
      expect(await (await introspect(token)).json()).toEqual({ active: false });
    }
  });

  it('AS-13: access tokens of a revoked grant, and refresh tokens rotated beyond the grace, are inactive', async () => {
    const t = await tokensFor(app);
    const rotated = await postAs(s.app, '/oauth/token', app, { grant_type: 'refresh_token', refresh_token: t.refreshToken });
    const successor = (await rotated.json()).refresh_token;
    expect((await (await introspect(t.refreshToken)).json()).active).toBe(true); // still within the grace
    s.clock.advance(s.config.ttl.refreshGrace);
    expect(await (await introspect(t.refreshToken)).json()).toEqual({ active: false });
    expect((await (await introspect(successor)).json()).active).toBe(true);
    await s.store.revokeGrant(t.grantId, s.clock());
    expect(await (await introspect(t.accessToken)).json()).toEqual({ active: false });
    expect(await (await introspect(successor)).json()).toEqual({ active: false });
  });

  it('AS-13: a client_credentials token (no grant) is active', async () => {
    const cc = await postAs(s.app, '/oauth/token', resourceServer, { grant_type: 'client_credentials', scope: 'read' });
    const body = await (await introspect((await cc.json()).access_token)).json();
    expect(body).toMatchObject({ active: true, sub: resourceServer.clientId, client_id: resourceServer.clientId, scope: 'read' });
  });

  it('AS-13: callers must authenticate as a confidential client: public, anonymous or wrong-secret callers get 401 invalid_client', async () => {
    const t = await tokensFor(app);
    const publicCaller = await introspect(t.accessToken, app);
    expect(publicCaller.status).toBe(401);
    expect((await publicCaller.json()).error).toBe('invalid_client');
    const anonymous = await postForm(s.app, INTROSPECT, { token: t.accessToken });
    expect(anonymous.status).toBe(401);
    const wrong = await postForm(s.app, INTROSPECT, { token: t.accessToken }, { Authorization: basicAuth(resourceServer.clientId, 'nope') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="oauth-mcp"');
    expect(wrong.headers.get('cache-control')).toBe('no-store');
    expect(await wrong.text()).not.toContain('active');
  });

  it('AS-13: a confidential client not designated as a resource server gets 401 and learns nothing (RFC 7662 §2.1, §4)', async () => {
    const t = await tokensFor(app);
    const other = await addClient(s.deps, 'client_secret_basic');
    const res = await introspect(t.accessToken, other);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text).error).toBe('invalid_client');
    expect(text).not.toContain('alice');
    expect(text).not.toContain('active');
    // Designated, the same client gets the answer.
    await s.store.designateResourceServer(other.clientId, s.clock());
    expect(await (await introspect(t.accessToken, other)).json()).toMatchObject({ active: true, sub: 'alice' });
  });

  it('AS-13: a missing token is invalid_request', async () => {
    const res = await postAs(s.app, INTROSPECT, resourceServer, {});
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });
});
