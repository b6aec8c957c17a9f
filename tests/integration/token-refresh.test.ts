import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/oauth/crypto.js';
import { auditOf } from '../../src/observability/audit-of.js';
import { makeAuthServer } from '../helpers/auth-server.js';
import { addClient, basicAuth, issueCode, postAs, postForm, type TestClient } from '../helpers/oauth-fixtures.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
const TOKEN = '/oauth/token';

let s: Server;
let client: TestClient;
let grantId: string;
let refreshToken: string;

const refresh = (token: string, extra: Record<string, string> = {}, as: TestClient = client) =>
  postAs(s.app, TOKEN, as, { grant_type: 'refresh_token', refresh_token: token, ...extra });

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  expect(await res.json()).toMatchObject({ error });
}

/** Gets a first refresh token the way a client does: through an authorization-code exchange. */
async function firstTokens(c: TestClient, scope = 'read write') {
  const code = await issueCode(s.deps, c, { scope });
  const res = await postAs(s.app, TOKEN, c, { grant_type: 'authorization_code', code: code.code, code_verifier: code.verifier, redirect_uri: code.redirectUri });
  expect(res.status).toBe(200);
  return { grantId: code.grantId, body: await res.json() };
}

beforeEach(async () => {
  s = await makeAuthServer();
  client = await addClient(s.deps, 'client_secret_basic');
  const first = await firstTokens(client);
  grantId = first.grantId;
  refreshToken = first.body.refresh_token;
});
afterEach(() => s.close());

describe('POST /oauth/token: refresh_token (AS-10, RFC 6749 §6)', () => {
  it('AS-10: a refresh rotates the token: a new refresh token, the old one marked rotated, the new one usable', async () => {
    const res = await refresh(refreshToken);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read write', refresh_token: expect.any(String) });
    expect(body.refresh_token).not.toBe(refreshToken);
    expect(decodeJwt(body.access_token)).toMatchObject({ grant_id: grantId, scope: 'read write', aud: 'http://127.0.0.1:5001/mcp/v1' });
    expect((await s.store.getRefreshToken(sha256(refreshToken)))?.rotatedAt).toBe(s.clock());
    const successor = await s.store.getRefreshToken(sha256(body.refresh_token));
    expect(successor).toMatchObject({ grantId, rotatedAt: null, revokedAt: null, expiresAt: s.clock() + s.config.ttl.refreshToken });
    s.clock.advance(60);
    expect((await refresh(body.refresh_token)).status).toBe(200);
  });

  it('AS-10: the scope can narrow for the access token; the refresh token keeps its scope (RFC 6749 §6)', async () => {
    const narrowed = await (await refresh(refreshToken, { scope: 'read' })).json();
    expect(narrowed.scope).toBe('read');
    expect(decodeJwt(narrowed.access_token).scope).toBe('read');
    const again = await (await refresh(narrowed.refresh_token)).json();
    expect(again.scope).toBe('read write');
  });

  it('AS-10: a broader scope is invalid_scope and does not rotate the token', async () => {
    const narrowClient = await addClient(s.deps, 'client_secret_post');
    const { body } = await firstTokens(narrowClient, 'read');
    await expectError(await refresh(body.refresh_token, { scope: 'read write' }, narrowClient), 400, 'invalid_scope');
    expect((await s.store.getRefreshToken(sha256(body.refresh_token)))?.rotatedAt).toBeNull();
    expect((await refresh(body.refresh_token, { scope: 'read offline_access' }, narrowClient)).status).toBe(200);
  });

  it('AS-6: the resource is checked again on refresh: a different one is invalid_target, the same one is fine', async () => {
    await expectError(await refresh(refreshToken, { resource: 'http://127.0.0.1:5001/api' }), 400, 'invalid_target');
    expect((await s.store.getRefreshToken(sha256(refreshToken)))?.rotatedAt).toBeNull();
    expect((await refresh(refreshToken, { resource: 'http://127.0.0.1:5001/mcp/v1/' })).status).toBe(200);
  });

  it('AS-10: an unknown refresh token, or a missing one, is refused', async () => {
    await expectError(await refresh('not-a-token'), 400, 'invalid_grant');
    await expectError(await postAs(s.app, TOKEN, client, { grant_type: 'refresh_token' }), 400, 'invalid_request');
  });

  it('AS-10: a refresh token of another client is invalid_grant and is left intact', async () => {
    const other = await addClient(s.deps, 'client_secret_basic');
    await expectError(await refresh(refreshToken, {}, other), 400, 'invalid_grant');
    expect(await s.store.getRefreshToken(sha256(refreshToken))).toMatchObject({ rotatedAt: null, revokedAt: null });
    expect((await s.store.getGrant(grantId))?.revokedAt).toBeNull();
  });

  it('AS-10: an expired refresh token is invalid_grant', async () => {
    s.clock.advance(s.config.ttl.refreshToken);
    await expectError(await refresh(refreshToken), 400, 'invalid_grant');
  });

  it('AS-12: a bad client secret is 401 invalid_client and does not rotate the refresh token', async () => {
    const res = await postForm(s.app, TOKEN, { grant_type: 'refresh_token', refresh_token: refreshToken }, { Authorization: basicAuth(client.clientId, 'bad') });
    await expectError(res, 401, 'invalid_client');
    expect((await s.store.getRefreshToken(sha256(refreshToken)))?.rotatedAt).toBeNull();
    expect((await refresh(refreshToken)).status).toBe(200);
  });

  it('AS-10, interop note 9: two refreshes at once both succeed with the same new refresh token', async () => {
    const [a, b] = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [ja, jb] = [await a.json(), await b.json()];
    expect(ja.refresh_token).toBe(jb.refresh_token);
    expect(ja.access_token).not.toBe(jb.access_token);
    expect((await refresh(ja.refresh_token)).status).toBe(200);
  });

  it('AS-10, interop note 9: a second refresh within the grace window gets the same new refresh token', async () => {
    const first = await (await refresh(refreshToken)).json();
    s.clock.advance(s.config.ttl.refreshGrace - 1);
    const res = await refresh(refreshToken);
    expect(res.status).toBe(200);
    const second = await res.json();
    expect(second.refresh_token).toBe(first.refresh_token);
    expect((await s.store.getGrant(grantId))?.revokedAt).toBeNull();
  });

  it('AS-10: a replay within the grace window is audited and logged, not silent', async () => {
    const lines: Array<{ msg?: string; grantId?: string }> = [];
    const warn = s.deps.logger.warn.bind(s.deps.logger);
    s.deps.logger.warn = ((obj: object, msg?: string) => {
      lines.push({ ...(obj as object), msg });
      return warn(obj as never, msg as never);
    }) as typeof s.deps.logger.warn;
    await refresh(refreshToken);
    s.clock.advance(2);
    expect((await refresh(refreshToken)).status).toBe(200);
    expect(lines).toContainEqual(expect.objectContaining({ grantId, msg: expect.stringMatching(/within the grace window/) }));
    await auditOf(s.deps).flush();
    const event = (await s.store.listAuditEvents()).find((e) => e.type === 'refresh_replayed');
    expect(event).toMatchObject({ clientId: client.clientId, outcome: 'success' });
    expect(event!.detail).toMatch(/2 s after rotation/);
  });

  it('AS-10: a second instance (same SECRET_KEY, same store) computes the same successor within the grace', async () => {
    const first = await (await refresh(refreshToken)).json();
    const twin = await makeAuthServer({}, { store: s.store });
    twin.clock.set(s.clock());
    const res = await postAs(twin.app, TOKEN, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect((await res.json()).refresh_token).toBe(first.refresh_token);
  });

  it('AS-10: reuse after the grace window is invalid_grant and revokes the whole family', async () => {
    const first = await (await refresh(refreshToken)).json();
    s.clock.advance(s.config.ttl.refreshGrace);
    await expectError(await refresh(refreshToken), 400, 'invalid_grant');
    expect((await s.store.getGrant(grantId))?.revokedAt).toBe(s.clock());
    expect((await s.store.getRefreshToken(sha256(first.refresh_token)))?.revokedAt).toBe(s.clock());
    await expectError(await refresh(first.refresh_token), 400, 'invalid_grant');
  });

  it('AS-10: a refresh token of a revoked grant is invalid_grant', async () => {
    await s.store.revokeGrant(grantId, s.clock());
    await expectError(await refresh(refreshToken), 400, 'invalid_grant');
  });

  it('AS-10: a client not registered for refresh_token gets unauthorized_client', async () => {
    const limited = await addClient(s.deps, 'client_secret_post', { grantTypes: ['authorization_code'] });
    await expectError(await refresh(refreshToken, {}, limited), 400, 'unauthorized_client');
  });
});
