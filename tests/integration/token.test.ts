import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/auth-server/demo.js';
import { createLogger } from '../../src/log/logger.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { makeAuthServer } from '../helpers/auth-server.js';
import { addClient, basicAuth, issueCode, postAs, postForm, REDIRECT_URI, type TestClient } from '../helpers/oauth-fixtures.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
const TOKEN = '/oauth/token';
const MCP_RESOURCE = 'http://127.0.0.1:5001/mcp/v1';

/** AS-9: every token response, errors included, must not be cached. */
function expectNoStore(res: Response) {
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
}

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expectNoStore(res);
  expect(await res.json()).toMatchObject({ error });
}

let s: Server;
beforeEach(async () => {
  s = await makeAuthServer();
});
afterEach(() => s.close());

describe('POST /oauth/token: the request itself (RFC 6749 §3.2)', () => {
  let client: TestClient;
  beforeEach(async () => {
    client = await addClient(s.deps, 'client_secret_basic');
  });

  it('AS-9: a JSON body is refused with invalid_request (form encoding required)', async () => {
    const res = await s.app.request(TOKEN, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: basicAuth(client.clientId, client.secret!) },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    await expectError(res, 400, 'invalid_request');
  });

  it('AS-9: a request without Content-Type is refused with invalid_request', async () => {
    const res = await s.app.request(TOKEN, { method: 'POST', body: 'grant_type=client_credentials' });
    await expectError(res, 400, 'invalid_request');
  });

  it('AS-9: malformed percent-encoding is invalid_request', async () => {
    const res = await postForm(s.app, TOKEN, 'grant_type=client_credentials&scope=%ZZ', { Authorization: basicAuth(client.clientId, client.secret!) });
    await expectError(res, 400, 'invalid_request');
  });

  it('AS-9: a missing grant_type is invalid_request (RFC 6749 §5.2, missing required parameter)', async () => {
    const res = await postAs(s.app, TOKEN, client, { scope: 'read' });
    await expectError(res, 400, 'invalid_request');
  });

  it('AS-9: an unknown grant type is unsupported_grant_type', async () => {
    for (const grant_type of ['password', 'urn:ietf:params:oauth:grant-type:device_code', 'constructor', '__proto__']) {
      await expectError(await postAs(s.app, TOKEN, client, { grant_type }), 400, 'unsupported_grant_type');
    }
  });

  it('AS-9: a repeated parameter is invalid_request; a repeated resource is invalid_target (one audience per token)', async () => {
    const auth = { Authorization: basicAuth(client.clientId, client.secret!) };
    await expectError(await postForm(s.app, TOKEN, 'grant_type=client_credentials&scope=read&scope=write', auth), 400, 'invalid_request');
    await expectError(await postForm(s.app, TOKEN, 'grant_type=client_credentials&grant_type=client_credentials', auth), 400, 'invalid_request');
    const twoResources = `grant_type=client_credentials&resource=${encodeURIComponent(MCP_RESOURCE)}&resource=${encodeURIComponent('http://127.0.0.1:5001/api')}`;
    await expectError(await postForm(s.app, TOKEN, twoResources, auth), 400, 'invalid_target');
  });

  it('AS-9: an empty parameter counts as absent (RFC 6749 §3.2): empty scope gets the default scopes', async () => {
    const res = await postForm(s.app, TOKEN, 'grant_type=client_credentials&scope=', { Authorization: basicAuth(client.clientId, client.secret!) });
    expect(res.status).toBe(200);
    expect((await res.json()).scope).toBe('read write');
  });

  it('AS-9: an oversized body is refused with 413 invalid_request', async () => {
    const res = await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials', scope: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('AS-9: too many requests get 429 with Retry-After, still no-store', async () => {
    const limited = await makeAuthServer({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const c = await addClient(limited.deps, 'client_secret_post');
      for (let i = 0; i < 2; i++) expect((await postAs(limited.app, TOKEN, c, { grant_type: 'client_credentials' })).status).toBe(200);
      const res = await postAs(limited.app, TOKEN, c, { grant_type: 'client_credentials' });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expectNoStore(res);
    } finally {
      await limited.close();
    }
  });
});

describe('POST /oauth/token: client authentication (AS-12, RFC 6749 §2.3)', () => {
  it('AS-12: client_secret_basic works, with id and secret form-urlencoded inside Basic (RFC 6749 §2.3.1)', async () => {
    const client = await addClient(s.deps, 'client_secret_basic', { clientId: 'my client:ü/1', secret: 'p@ss:w+rd%20 é&=' });
    const res = await postForm(s.app, TOKEN, { grant_type: 'client_credentials' }, { Authorization: basicAuth(client.clientId, client.secret!) });
    expect(res.status).toBe(200);
    expectNoStore(res);
    expect(decodeJwt((await res.json()).access_token).client_id).toBe('my client:ü/1');
  });

  it('AS-12: client_secret_post works', async () => {
    const client = await addClient(s.deps, 'client_secret_post');
    const res = await postForm(s.app, TOKEN, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret! });
    expect(res.status).toBe(200);
  });

  it('AS-12: none works for a public client naming itself by client_id', async () => {
    const client = await addClient(s.deps, 'none');
    const code = await issueCode(s.deps, client);
    const res = await postForm(s.app, TOKEN, {
      grant_type: 'authorization_code',
      client_id: client.clientId,
      code: code.code,
      code_verifier: code.verifier,
      redirect_uri: code.redirectUri,
    });
    expect(res.status).toBe(200);
  });

  it('AS-12: a wrong secret over Basic is 401 invalid_client with WWW-Authenticate: Basic; the secret is not echoed', async () => {
    const client = await addClient(s.deps, 'client_secret_basic');
    const res = await postForm(s.app, TOKEN, { grant_type: 'client_credentials' }, { Authorization: basicAuth(client.clientId, 'wrong-secret-xyz') });
    expect(res.status).toBe(401);
    expectNoStore(res);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth-mcp"');
    const text = await res.text();
    expect(JSON.parse(text).error).toBe('invalid_client');
    expect(text).not.toContain('wrong-secret-xyz');
  });

  it('AS-12: a wrong secret in the body is 401 invalid_client without a Basic challenge', async () => {
    const client = await addClient(s.deps, 'client_secret_post');
    const res = await postForm(s.app, TOKEN, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'nope' });
    await expectError(res, 401, 'invalid_client');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('AS-12: an unknown client, or no client at all, is 401 invalid_client', async () => {
    await expectError(await postForm(s.app, TOKEN, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }), 401, 'invalid_client');
    await expectError(await postForm(s.app, TOKEN, { grant_type: 'client_credentials' }), 401, 'invalid_client');
    const basic = await postForm(s.app, TOKEN, { grant_type: 'client_credentials' }, { Authorization: basicAuth('nobody', 'x') });
    await expectError(basic, 401, 'invalid_client');
    expect(basic.headers.get('www-authenticate')).toContain('Basic');
  });

  it('AS-12: a confidential client may present its secret by either secret method (the original demo posts it; interop note 13)', async () => {
    const basicClient = await addClient(s.deps, 'client_secret_basic');
    const postClient = await addClient(s.deps, 'client_secret_post');
    const viaPost = await postForm(s.app, TOKEN, { grant_type: 'client_credentials', client_id: basicClient.clientId, client_secret: basicClient.secret! });
    expect(viaPost.status).toBe(200);
    const viaBasic = await postForm(s.app, TOKEN, { grant_type: 'client_credentials' }, { Authorization: basicAuth(postClient.clientId, postClient.secret!) });
    expect(viaBasic.status).toBe(200);
  });

  it('AS-12: a confidential client without its secret, or a public client with a secret, is 401 invalid_client', async () => {
    const basicClient = await addClient(s.deps, 'client_secret_basic');
    const publicClient = await addClient(s.deps, 'none');
    await expectError(await postForm(s.app, TOKEN, { grant_type: 'client_credentials', client_id: basicClient.clientId }), 401, 'invalid_client');
    await expectError(
      await postForm(s.app, TOKEN, { grant_type: 'refresh_token', refresh_token: 'x', client_id: publicClient.clientId, client_secret: 'guess' }),
      401,
      'invalid_client',
    );
  });

  it('AS-12: two authentication methods at once is invalid_request (RFC 6749 §2.3)', async () => {
    const client = await addClient(s.deps, 'client_secret_basic');
    const res = await postForm(
      s.app,
      TOKEN,
      { grant_type: 'client_credentials', client_secret: client.secret! },
      { Authorization: basicAuth(client.clientId, client.secret!) },
    );
    await expectError(res, 400, 'invalid_request');
  });

  it('AS-12: a body client_id that differs from the Basic one is invalid_request', async () => {
    const client = await addClient(s.deps, 'client_secret_basic');
    const res = await postForm(s.app, TOKEN, { grant_type: 'client_credentials', client_id: 'someone-else' }, { Authorization: basicAuth(client.clientId, client.secret!) });
    await expectError(res, 400, 'invalid_request');
  });

  it('AS-12: a malformed Basic header is 401 invalid_client with a challenge', async () => {
    for (const header of ['Basic !!!notbase64', `Basic ${Buffer.from('no-colon-here').toString('base64')}`, `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`]) {
      const res = await postForm(s.app, TOKEN, { grant_type: 'client_credentials' }, { Authorization: header });
      await expectError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth-mcp"');
    }
  });

  it('AS-12: secrets, codes and tokens never reach the log, on success or failure', async () => {
    const lines: string[] = [];
    const logged = await makeAuthServer({}, { logger: createLogger('trace', { write: (line: string) => void lines.push(line) }) });
    try {
      const client = await addClient(logged.deps, 'client_secret_basic', { secret: 'SECRET-should-not-be-logged' });
      const code = await issueCode(logged.deps, client);
      await postForm(logged.app, TOKEN, { grant_type: 'client_credentials' }, { Authorization: basicAuth(client.clientId, 'WRONG-secret-not-logged') });
      await postForm(logged.app, TOKEN, { grant_type: 'client_credentials', client_secret: 'POST-secret-not-logged', client_id: client.clientId });
      const ok = await postAs(logged.app, TOKEN, client, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri });
      const body = await ok.json();
      await postAs(logged.app, TOKEN, client, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri });
      await postAs(logged.app, TOKEN, client, { grant_type: 'refresh_token', refresh_token: body.refresh_token });
      const log = lines.join('\n');
      expect(lines.length).toBeGreaterThan(3);
      for (const secret of ['SECRET-should-not-be-logged', 'WRONG-secret-not-logged', 'POST-secret-not-logged', code.code, code.verifier, body.refresh_token, body.access_token]) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await logged.close();
    }
  });

  it('AS-12: a client not registered for the grant type gets unauthorized_client', async () => {
    const client = await addClient(s.deps, 'client_secret_basic', { grantTypes: ['authorization_code'] });
    await expectError(await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials' }), 400, 'unauthorized_client');
  });
});

describe('POST /oauth/token: authorization_code (AS-3, AS-9, RFC 6749 §4.1.3)', () => {
  let client: TestClient;
  const exchange = (c: TestClient, params: Record<string, string>) => postAs(s.app, TOKEN, c, { grant_type: 'authorization_code', ...params });
  const fields = (code: Awaited<ReturnType<typeof issueCode>>) => ({ code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri });

  beforeEach(async () => {
    client = await addClient(s.deps, 'none');
  });

  it('AS-9: a valid code gets Bearer access + refresh tokens; the access token is bound to sub, resource, scope and grant', async () => {
    const code = await issueCode(s.deps, client, { scope: 'read', subject: 'alice' });
    const res = await exchange(client, fields(code));
    expect(res.status).toBe(200);
    expectNoStore(res);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read', refresh_token: expect.any(String) });
    expect(decodeJwt(body.access_token)).toMatchObject({
      iss: 'http://127.0.0.1:5000',
      sub: 'alice',
      aud: MCP_RESOURCE,
      client_id: client.clientId,
      scope: 'read',
      grant_id: code.grantId,
    });
    // Stored: the code is used, the refresh token only as its hash, the grant and client touched.
    expect((await s.store.getCode(sha256(code.code)))?.usedAt).toBe(s.clock());
    expect(await s.store.getRefreshToken(sha256(body.refresh_token))).toMatchObject({ grantId: code.grantId, scope: 'read', rotatedAt: null });
    expect((await s.store.getGrant(code.grantId))?.lastUsedAt).toBe(s.clock());
    expect((await s.store.getClient(client.clientId))?.lastUsedAt).toBe(s.clock());
  });

  it('AS-9: no refresh token for a client not registered for the refresh_token grant', async () => {
    const noRefresh = await addClient(s.deps, 'client_secret_post', { grantTypes: ['authorization_code'] });
    const res = await exchange(noRefresh, fields(await issueCode(s.deps, noRefresh)));
    expect(res.status).toBe(200);
    expect(await res.json()).not.toHaveProperty('refresh_token');
  });

  it('AS-3: missing code, code_verifier or (with several registered redirect URIs) redirect_uri is invalid_request', async () => {
    const twoUris = await addClient(s.deps, 'none', { redirectUris: [REDIRECT_URI, 'cursor://anysphere.cursor-mcp/oauth/callback'] });
    const code = await issueCode(s.deps, twoUris);
    const all = fields(code);
    for (const missing of ['code', 'code_verifier', 'redirect_uri'] as const) {
      const { [missing]: _, ...rest } = all;
      await expectError(await exchange(twoUris, rest), 400, 'invalid_request');
    }
    expect((await exchange(twoUris, all)).status).toBe(200);
  });

  it('AS-7: redirect_uri may be left out when the client registered exactly one, as at authorize (RFC 6749 §4.1.3)', async () => {
    const code = await issueCode(s.deps, client);
    const { redirect_uri: _, ...rest } = fields(code);
    expect((await exchange(client, rest)).status).toBe(200);
  });

  it('AS-3: a tampered code is invalid_grant and the real code still works', async () => {
    const code = await issueCode(s.deps, client);
    const tampered = (code.code[0] === 'A' ? 'B' : 'A') + code.code.slice(1);
    await expectError(await exchange(client, { ...fields(code), code: tampered }), 400, 'invalid_grant');
    expect((await exchange(client, fields(code))).status).toBe(200);
  });

  it('AS-3: an expired code is invalid_grant', async () => {
    const code = await issueCode(s.deps, client);
    s.clock.advance(s.config.ttl.authorizationCode);
    await expectError(await exchange(client, fields(code)), 400, 'invalid_grant');
  });

  it('AS-3: a wrong code_verifier is invalid_grant and leaves the code unused (RFC 7636 §4.6)', async () => {
    const code = await issueCode(s.deps, client);
    const wrong = 'x'.repeat(43);
    await expectError(await exchange(client, { ...fields(code), code_verifier: wrong }), 400, 'invalid_grant');
    await expectError(await exchange(client, { ...fields(code), code_verifier: 'short' }), 400, 'invalid_grant');
    expect((await s.store.getCode(sha256(code.code)))?.usedAt).toBeNull();
    expect((await exchange(client, fields(code))).status).toBe(200);
  });

  it('AS-7: a redirect_uri differing from the authorization request is invalid_grant, code intact', async () => {
    const code = await issueCode(s.deps, client);
    for (const redirect_uri of ['http://127.0.0.1:9999/callback', `${REDIRECT_URI}/`, 'http://localhost:8765/callback']) {
      await expectError(await exchange(client, { ...fields(code), redirect_uri }), 400, 'invalid_grant');
    }
    expect((await s.store.getCode(sha256(code.code)))?.usedAt).toBeNull();
    expect((await exchange(client, fields(code))).status).toBe(200);
  });

  it('AS-3: a code issued to another client is invalid_grant and stays usable by its own client', async () => {
    const other = await addClient(s.deps, 'none');
    const code = await issueCode(s.deps, client);
    await expectError(await exchange(other, fields(code)), 400, 'invalid_grant');
    expect((await s.store.getGrant(code.grantId))?.revokedAt).toBeNull();
    expect((await exchange(client, fields(code))).status).toBe(200);
  });

  it('AS-6: a resource differing from the authorization request is invalid_target; the same one in another spelling is accepted', async () => {
    const code = await issueCode(s.deps, client);
    await expectError(await exchange(client, { ...fields(code), resource: 'http://127.0.0.1:5001/api' }), 400, 'invalid_target');
    await expectError(await exchange(client, { ...fields(code), resource: 'not a url' }), 400, 'invalid_target');
    const res = await exchange(client, { ...fields(code), resource: `${MCP_RESOURCE}/` });
    expect(res.status).toBe(200);
    expect(decodeJwt((await res.json()).access_token).aud).toBe(MCP_RESOURCE);
  });

  it('AS-3: a replayed code is invalid_grant and revokes the grant with the refresh token of the first exchange (RFC 6749 §10.5)', async () => {
    const code = await issueCode(s.deps, client);
    const first = await (await exchange(client, fields(code))).json();
    await expectError(await exchange(client, fields(code)), 400, 'invalid_grant');
    expect((await s.store.getGrant(code.grantId))?.revokedAt).toBe(s.clock());
    expect((await s.store.getRefreshToken(sha256(first.refresh_token)))?.revokedAt).toBe(s.clock());
    const refresh = await postAs(s.app, TOKEN, client, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    await expectError(refresh, 400, 'invalid_grant');
  });

  it('AS-3: two simultaneous exchanges of one code: exactly one wins, and the loser revokes the grant', async () => {
    const code = await issueCode(s.deps, client);
    const results = await Promise.all([exchange(client, fields(code)), exchange(client, fields(code))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect((await s.store.getGrant(code.grantId))?.revokedAt).not.toBeNull();
  });

  it('AS-3: a code whose grant was revoked meanwhile is invalid_grant', async () => {
    const code = await issueCode(s.deps, client);
    await s.store.revokeGrant(code.grantId, s.clock());
    await expectError(await exchange(client, fields(code)), 400, 'invalid_grant');
  });
});

describe('POST /oauth/token: the demo code of the original demo', () => {
  const demoAuth = () => ({ Authorization: basicAuth(s.config.demo.clientId, s.config.demo.clientSecret) });

  it('demo mode: DEMO_AUTHORIZATION_CODE works for the demo client without PKCE, for the demo user, and refresh works', async () => {
    await seedDemo(s.deps);
    const res = await postForm(s.app, TOKEN, { grant_type: 'authorization_code', code: 'DEMO_AUTH_CODE_12345' }, demoAuth());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.scope).toBe('read write');
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: 'demo-user', aud: MCP_RESOURCE, client_id: 'demo_client', scope: 'read write' });
    const refreshed = await postForm(s.app, TOKEN, { grant_type: 'refresh_token', refresh_token: body.refresh_token }, demoAuth());
    expect(refreshed.status).toBe(200);
    // As in the original, the fixed code is not single-use.
    expect((await postForm(s.app, TOKEN, { grant_type: 'authorization_code', code: 'DEMO_AUTH_CODE_12345' }, demoAuth())).status).toBe(200);
  });

  it('demo mode: the demo code is invalid_grant for any other client', async () => {
    await seedDemo(s.deps);
    const other = await addClient(s.deps, 'client_secret_basic');
    const res = await postAs(s.app, TOKEN, other, { grant_type: 'authorization_code', code: 'DEMO_AUTH_CODE_12345', code_verifier: 'x'.repeat(43), redirect_uri: REDIRECT_URI });
    await expectError(res, 400, 'invalid_grant');
  });

  it('demo mode off: the demo code is just an unknown code', async () => {
    const strict = await makeAuthServer({ DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40) });
    try {
      const demo = await addClient(strict.deps, 'client_secret_basic', { clientId: 'demo_client', secret: 'demo_secret' });
      const res = await postAs(strict.app, TOKEN, demo, { grant_type: 'authorization_code', code: 'DEMO_AUTH_CODE_12345', code_verifier: 'x'.repeat(43), redirect_uri: REDIRECT_URI });
      await expectError(res, 400, 'invalid_grant');
    } finally {
      await strict.close();
    }
  });
});

describe('POST /oauth/token: client_credentials (RFC 6749 §4.4)', () => {
  it('AS-9: a confidential client gets an access token for itself, default scopes and resource, no refresh token (§4.4.3)', async () => {
    const client = await addClient(s.deps, 'client_secret_basic');
    const res = await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expectNoStore(res);
    const body = await res.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read write' });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({ sub: client.clientId, client_id: client.clientId, aud: MCP_RESOURCE, scope: 'read write' });
    expect(claims).not.toHaveProperty('grant_id');
  });

  it('AS-9: the requested scope is honoured; unknown scopes are dropped (interop note 7)', async () => {
    const client = await addClient(s.deps, 'client_secret_post');
    const res = await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials', scope: 'read offline_access' });
    expect((await res.json()).scope).toBe('read');
  });

  it('AS-9: scopes beyond the client registration are not granted; none left is invalid_scope', async () => {
    const client = await addClient(s.deps, 'client_secret_post', { scope: 'read' });
    expect((await (await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials', scope: 'read write' })).json()).scope).toBe('read');
    await expectError(await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials', scope: 'write' }), 400, 'invalid_scope');
  });

  it('AS-6: a resource on the MCP server is the audience; another origin or a malformed one is invalid_target', async () => {
    const client = await addClient(s.deps, 'client_secret_post');
    const res = await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials', resource: 'http://127.0.0.1:5001/api/' });
    expect(decodeJwt((await res.json()).access_token).aud).toBe('http://127.0.0.1:5001/api');
    for (const resource of ['http://127.0.0.1:5002/mcp/v1', 'https://example.com/mcp', 'ftp://127.0.0.1:5001/x', `${MCP_RESOURCE}#frag`]) {
      await expectError(await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials', resource }), 400, 'invalid_target');
    }
  });

  it('AS-12: a public client is unauthorized_client even if it lists the grant type', async () => {
    const client = await addClient(s.deps, 'none', { grantTypes: ['client_credentials'] });
    await expectError(await postAs(s.app, TOKEN, client, { grant_type: 'client_credentials' }), 400, 'unauthorized_client');
  });
});
