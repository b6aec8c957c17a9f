import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdentityProviders } from '../../src/idp/routes.js';
import { startTestUpstream } from '../helpers/test-upstream.js';
import { CookieClient, location } from '../helpers/cookie-client.js';
import { makeWebServer } from '../helpers/web-server.js';

const CLIENT = { clientId: 'vault-client', clientSecret: 'vault-secret' };

describe('the token vault', () => {
  let upstream: Awaited<ReturnType<typeof startTestUpstream>>;
  beforeAll(async () => void (upstream = await startTestUpstream(CLIENT)));
  afterAll(() => upstream?.close());

  it('keeps the provider tokens encrypted after sign-in and refreshes an expired access token, keeping the refresh token', async () => {
    const server = await makeWebServer({ IDP_ISSUER: upstream.issuer, IDP_CLIENT_ID: CLIENT.clientId, IDP_CLIENT_SECRET: CLIENT.clientSecret, IDP_TOKEN_VAULT: 'true' });
    try {
      const browser = new CookieClient(server.app);
      const toProvider = location(await browser.get('/idp/oidc/start'));
      const back = await browser.get(`/idp/oidc/callback?${upstream.issueCode(toProvider, { sub: 'vera', email: 'vera@example.com', email_verified: true })}`);
      expect(location(back)).toBe('/account');
      const user = (await server.store.getIdentity(upstream.issuer, 'vera'))!.userId;
      const row = (await server.store.getUpstreamTokens(user, 'oidc'))!;
      expect(row.accessToken).toMatch(/^v1\./);
      expect(row.refreshToken).toMatch(/^v1\./);
      expect(row.expiresAt).toBe(server.clock() + 3600);

      // The same SECRET_KEY opens it; the access token is still fresh: no call to the provider.
      const { vault } = buildIdentityProviders({ ...server.deps, providers: server.config.identityProviders, secretKey: server.config.secretKey });
      const before = upstream.state.tokenRequests;
      const first = await vault.accessToken(user, 'oidc');
      expect(first).toMatch(/^at-/);
      expect(upstream.state.tokenRequests).toBe(before);

      // Expired: refreshed at the provider, stored again, the refresh token kept.
      await server.store.saveUpstreamTokens({ ...row, expiresAt: server.clock() - 1 });
      const second = await vault.accessToken(user, 'oidc');
      expect(second).toMatch(/^at-/);
      expect(second).not.toBe(first);
      expect(upstream.state.tokenRequests).toBe(before + 1);
      const after = (await server.store.getUpstreamTokens(user, 'oidc'))!;
      expect(after.refreshToken).toBe(row.refreshToken);
      expect(after.expiresAt).toBe(server.clock() + 3600);

      // Another SECRET_KEY cannot read it.
      const other = buildIdentityProviders({ ...server.deps, providers: server.config.identityProviders, secretKey: 'another-secret-key-'.padEnd(40, 'z') }).vault;
      await expect(other.accessToken(user, 'oidc')).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('keeps nothing when the vault is off', async () => {
    const server = await makeWebServer({ IDP_ISSUER: upstream.issuer, IDP_CLIENT_ID: CLIENT.clientId, IDP_CLIENT_SECRET: CLIENT.clientSecret });
    try {
      const browser = new CookieClient(server.app);
      const toProvider = location(await browser.get('/idp/oidc/start'));
      await browser.get(`/idp/oidc/callback?${upstream.issueCode(toProvider, { sub: 'nora' })}`);
      const user = (await server.store.getIdentity(upstream.issuer, 'nora'))!.userId;
      expect(await server.store.getUpstreamTokens(user, 'oidc')).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
