import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { revocationCheck } from '../../src/resource-server/revocation-check.js';
import { CookieClient, hiddenField, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, exchangeCode, makeWebServer, refresh } from '../helpers/web-server.js';

type Server = Awaited<ReturnType<typeof makeWebServer>>;

describe('connected applications (/account, docs/security.md)', () => {
  let server: Server;
  let browser: CookieClient;
  beforeEach(async () => {
    server = await makeWebServer({}, { sleep: async () => {} });
    await addClient(server);
    await server.users.add('alice', 'correct horse battery');
    browser = new CookieClient(server.app);
    const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
    await browser.post('/login', { csrf, username: 'alice', password: 'correct horse battery' });
  });
  afterEach(() => server.close());

  /** Runs a whole authorization for the test client and returns its tokens. */
  async function connect(scope = 'read write') {
    let res = await browser.get(authorizePath({ scope }));
    if (res.status === 303) {
      const html = await (await browser.get(location(res))).text();
      res = await browser.post('/consent', { csrf: hiddenField(html, 'csrf')!, i: hiddenField(html, 'i')!, decision: 'approve' });
    }
    const code = new URL(location(res)).searchParams.get('code')!;
    const tokens = await exchangeCode(server, code);
    expect(tokens.status).toBe(200);
    return (await tokens.json()) as { access_token: string; refresh_token: string };
  }

  it('requires sign-in', async () => {
    const res = await new CookieClient(server.app).get('/account');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/login');
  });

  it('lists each client holding a grant with its scopes, when granted and last used', async () => {
    await connect();
    await connect('read'); // a second grant of the same client: still one entry
    const res = await browser.get('/account');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html.match(/class="app"/g)).toHaveLength(1);
    expect(html).toContain('Test Notes App');
    expect(html).toContain('Create, change and delete your data items');
    expect(html).toContain(new Date(server.clock() * 1000).toISOString().slice(0, 16).replace('T', ' '));
    expect(html).toContain('Revoke access');
  });

  it('revoking ends the refresh tokens at once, refuses the access token, and forgets the consent', async () => {
    const tokens = await connect();
    const claims = decodeJwt(tokens.access_token) as { jti: string; grant_id?: string };
    expect(claims.grant_id).toBeTruthy();
    const isRevoked = revocationCheck(server.store);
    expect(await isRevoked(claims.jti, { grantId: claims.grant_id })).toBe(false);

    const html = await (await browser.get('/account')).text();
    const res = await browser.post('/account/revoke', { csrf: hiddenField(html, 'csrf')!, client_id: hiddenField(html, 'client_id')! });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/account?revoked=1');
    const after = await (await browser.get('/account?revoked=1')).text();
    expect(after).toContain('Access revoked');
    expect(after).not.toContain('class="app"');

    const refreshed = await refresh(server, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect((await refreshed.json()).error).toBe('invalid_grant');
    // A fresh check (no cached "not revoked" answer) refuses the access token by its grant.
    expect(await revocationCheck(server.store)(claims.jti, { grantId: claims.grant_id })).toBe(true);
    // The consent was forgotten: the next authorization asks again.
    expect((await browser.get(authorizePath({ scope: 'read' }))).status).toBe(303);
  });

  it('refuses a revoke without a CSRF token, and cannot touch another person’s grants', async () => {
    await connect();
    expect((await browser.post('/account/revoke', { client_id: 'web-test-client' })).status).toBe(403);
    const alice = (await server.store.getUserByUsername('alice'))!;
    expect((await server.store.listGrantsForSubject(alice.id)).every((g) => g.revokedAt === null)).toBe(true);

    await server.users.add('bob', 'another long password');
    const bob = new CookieClient(server.app);
    const csrf = hiddenField(await (await bob.get('/login')).text(), 'csrf')!;
    await bob.post('/login', { csrf, username: 'bob', password: 'another long password' });
    const bobCsrf = hiddenField(await (await bob.get('/account')).text(), 'csrf')!;
    expect((await bob.post('/account/revoke', { csrf: bobCsrf, client_id: 'web-test-client' })).status).toBe(303);
    expect((await server.store.listGrantsForSubject(alice.id)).every((g) => g.revokedAt === null)).toBe(true);
  });

  it('sign-out needs the CSRF token and ends the session', async () => {
    const html = await (await browser.get('/account')).text();
    expect((await browser.post('/logout', {})).status).toBe(403);
    const res = await browser.post('/logout', { csrf: hiddenField(html, 'csrf')! });
    expect(location(res)).toBe('/login?signed_out=1');
    expect(location(await browser.get('/account'))).toBe('/login');
  });
});
