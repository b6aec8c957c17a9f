import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintAccessToken, tokenResponseBody } from '../../src/auth-server/access-token.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

describe('access tokens (RFC 9068)', () => {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', ACCESS_TOKEN_TTL: '900', OAUTH_ISSUER: 'http://127.0.0.1:5000' });
  const clock = fixedClock(1_800_000_000);
  let store: Store;
  let keys: KeyRing;

  beforeEach(async () => {
    store = await openStore(config.databaseUrl);
    keys = await KeyRing.open({ store, secretKey: config.secretKey, clock, accessTokenTtl: config.ttl.accessToken });
  });
  afterEach(() => store.close());

  it('AS-11: header is typ at+jwt, alg ES256, kid of the current signing key', async () => {
    const minted = await mintAccessToken({ config, keys, clock }, { subject: 'u1', clientId: 'c1', scopes: ['read'], resource: 'http://127.0.0.1:5001/mcp/v1' });
    const header = decodeProtectedHeader(minted.token);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: keys.signingKey().kid });
  });

  it('AS-6, AS-11: claims iss, sub, aud (the resource), client_id, space-delimited scope, iat, exp = iat + ttl, jti, grant_id', async () => {
    const minted = await mintAccessToken(
      { config, keys, clock },
      { subject: 'user-7', clientId: 'client-9', scopes: ['read', 'write'], resource: 'http://127.0.0.1:5001/mcp/v1', grantId: 'g-1' },
    );
    const claims = decodeJwt(minted.token);
    expect(claims).toEqual({
      iss: 'http://127.0.0.1:5000',
      sub: 'user-7',
      aud: 'http://127.0.0.1:5001/mcp/v1',
      client_id: 'client-9',
      scope: 'read write',
      iat: 1_800_000_000,
      exp: 1_800_000_900,
      jti: minted.jti,
      grant_id: 'g-1',
    });
    expect(minted).toMatchObject({ issuedAt: 1_800_000_000, expiresAt: 1_800_000_900, expiresIn: 900 });
  });

  it('AS-11: no grant_id claim when there is no grant (client_credentials), and every token gets its own jti', async () => {
    const req = { subject: 'c1', clientId: 'c1', scopes: ['read'], resource: 'http://127.0.0.1:5001/mcp/v1' };
    const a = await mintAccessToken({ config, keys, clock }, req);
    const b = await mintAccessToken({ config, keys, clock }, req);
    expect(decodeJwt(a.token)).not.toHaveProperty('grant_id');
    expect(a.jti).not.toBe(b.jti);
    expect(a.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('RS-5: the token verifies against the published JWKS, and not after a re-signing with another key', async () => {
    const minted = await mintAccessToken({ config, keys, clock }, { subject: 'u', clientId: 'c', scopes: ['read'], resource: 'http://127.0.0.1:5001/mcp/v1' });
    const { payload, protectedHeader } = await jwtVerify(minted.token, createLocalJWKSet(keys.jwks()), {
      issuer: 'http://127.0.0.1:5000',
      audience: 'http://127.0.0.1:5001/mcp/v1',
      typ: 'at+jwt',
      currentDate: new Date(clock() * 1000),
    });
    expect(payload.sub).toBe('u');
    expect(protectedHeader.alg).toBe('ES256');
    const [h, p] = minted.token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, scope: 'read write' })).toString('base64url')}.${minted.token.split('.')[2]}`;
    expect(p).not.toBe(tampered.split('.')[1]);
    await expect(jwtVerify(tampered, createLocalJWKSet(keys.jwks()), { currentDate: new Date(clock() * 1000) })).rejects.toThrow();
  });

  it('AS-9: the token response body has access_token, token_type Bearer, expires_in, scope, refresh_token only when issued', async () => {
    const minted = await mintAccessToken({ config, keys, clock }, { subject: 'u', clientId: 'c', scopes: ['read', 'write'], resource: 'http://x/mcp' });
    expect(tokenResponseBody(minted, ['read', 'write'])).toEqual({ access_token: minted.token, token_type: 'Bearer', expires_in: 900, scope: 'read write' });
    expect(tokenResponseBody(minted, ['read'], 'rt')).toEqual({
      access_token: minted.token,
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'read',
      refresh_token: 'rt',
    });
  });
});
