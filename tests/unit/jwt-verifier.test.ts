import { exportSPKI, importJWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../src/oauth/crypto.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { JwksCache } from '../../src/resource-server/jwks-source.js';
import { JwtVerifier } from '../../src/resource-server/jwt-verifier.js';
import { TtlCache } from '../../src/cache/ttl-cache.js';
import type { VerifiedToken } from '../../src/resource-server/types.js';
import { hs256Token, makeTokenKit, serveJwks, tamperSignature, unsecuredToken, type TokenKit } from '../helpers/resource-server.js';

/** Asserts the promise rejects with OAuthError('invalid_token', description). */
async function rejectsInvalidToken(p: Promise<unknown>, description: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OAuthError);
  expect((err as OAuthError).code).toBe('invalid_token');
  expect((err as OAuthError).status).toBe(401);
  expect((err as OAuthError).description).toBe(description);
}

let kit: TokenKit;
beforeEach(async () => {
  kit = await makeTokenKit();
});
afterEach(async () => {
  await kit.close();
});

describe('JwtVerifier: a valid RFC 9068 token', () => {
  it('RS-5: verifies and reports subject, client, scopes, audience, times and jti', async () => {
    const token = await kit.mint({ sub: 'alice', client_id: 'cli', scope: 'read', jti: 'j-1' });
    const v = await kit.verifier.verify(token);
    expect(v).toEqual({
      token,
      subject: 'alice',
      clientId: 'cli',
      scopes: ['read'],
      audience: kit.resources.mcp,
      expiresAt: kit.clock() + 3600,
      issuedAt: kit.clock(),
      jti: 'j-1',
    });
  });

  it('RS-5: accepts the audience with a trailing slash and reports it canonical', async () => {
    const v = await kit.verifier.verify(await kit.mint({ aud: `${kit.resources.mcp}/` }));
    expect(v.audience).toBe(kit.resources.mcp);
  });

  it('RS-5: an aud array matches when it contains an accepted resource; the first accepted in preference order is reported', async () => {
    const v = await kit.verifier.verify(await kit.mint({ aud: ['https://other.example/api', kit.resources.origin, kit.resources.mcpAlias] }));
    expect(v.audience).toBe(kit.resources.mcpAlias);
  });

  it('RFC 9068 §4: typ application/at+jwt is accepted too', async () => {
    await expect(kit.verifier.verify(await kit.mint({}, { typ: 'application/at+jwt' }))).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('carries grant_id as grantId, for revocation by grant', async () => {
    expect((await kit.verifier.verify(await kit.mint({ grant_id: 'g-1' }))).grantId).toBe('g-1');
    expect((await kit.verifier.verify(await kit.mint())).grantId).toBeUndefined();
  });

  it('RFC 9449 §6.1: carries cnf.jkt as dpopJkt, with the token\'s ath (its SHA-256) hashed once; a bearer token has neither', async () => {
    const token = await kit.mint({ cnf: { jkt: 'thumbprint' } });
    const v = await kit.verifier.verify(token);
    expect(v).toMatchObject({ dpopJkt: 'thumbprint', dpopAth: sha256(token) });
    expect(kit.verifier.verifyNow(token)).toBe(v);
    const bearer = await kit.verifier.verify(await kit.mint());
    expect(bearer.dpopJkt).toBeUndefined();
    expect(bearer.dpopAth).toBeUndefined();
  });

  it('a token without scope has no scopes', async () => {
    expect((await kit.verifier.verify(await kit.mint({ scope: undefined }))).scopes).toEqual([]);
  });

  it('30 s clock skew: accepts a token 29 s past exp and 29 s before nbf', async () => {
    const now = kit.clock();
    await expect(kit.verifier.verify(await kit.mint({ exp: now - 29 }))).resolves.toBeDefined();
    await expect(kit.verifier.verify(await kit.mint({ nbf: now + 29 }))).resolves.toBeDefined();
  });
});

describe('JwtVerifier: RS-4 refusals, each an invalid_token with a short reason', () => {
  it('RS-4: garbage', async () => {
    await rejectsInvalidToken(kit.verifier.verify('not-a-jwt'), 'malformed token');
    await rejectsInvalidToken(kit.verifier.verify('a.b.c'), 'malformed token');
  });

  it('RS-4: a token longer than 8 KiB is refused before parsing', async () => {
    await rejectsInvalidToken(kit.verifier.verify('a'.repeat(9000)), 'malformed token');
    expect(kit.fetchJwks).not.toHaveBeenCalled();
  });

  it('RS-4: expired beyond the 30 s skew', async () => {
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ exp: kit.clock() - 30 })), 'token expired');
  });

  it('RS-4: not yet valid beyond the skew', async () => {
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ nbf: kit.clock() + 31 })), 'token not yet valid');
  });

  it('RS-5: wrong audience', async () => {
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ aud: 'http://127.0.0.1:5999/mcp/v1' })), 'token not issued for this resource');
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ aud: `${kit.resources.mcp}/extra` })), 'token not issued for this resource');
  });

  it('RS-4: wrong issuer (exact match: a trailing slash is another issuer)', async () => {
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ iss: 'http://127.0.0.1:5999' })), 'token from an unexpected issuer');
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ iss: `${kit.issuer}/` })), 'token from an unexpected issuer');
  });

  it('RFC 9068 §4: typ other than at+jwt (an ID token, a plain JWT, none)', async () => {
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({}, { typ: 'JWT' })), 'not an access token (typ must be at+jwt)');
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({}, { typ: undefined })), 'not an access token (typ must be at+jwt)');
  });

  it('RS-4: alg none is refused without looking up a key', async () => {
    await rejectsInvalidToken(kit.verifier.verify(unsecuredToken(kit.baseClaims())), 'signing algorithm not allowed');
    expect(kit.getKey).not.toHaveBeenCalled();
  });

  it('RS-4: HS256 keyed with the public key (PEM and JWK forms) is refused', async () => {
    const jwk = kit.keys.jwks().keys[0]!;
    const pem = await exportSPKI((await importJWK(jwk, 'ES256', { extractable: true })) as CryptoKey);
    for (const secret of [pem, JSON.stringify(jwk)]) {
      await rejectsInvalidToken(kit.verifier.verify(await hs256Token(kit.baseClaims(), secret, { kid: jwk.kid })), 'signing algorithm not allowed');
    }
    expect(kit.getKey).not.toHaveBeenCalled();
  });

  it('RS-4: a tampered signature, and a tampered payload under the original signature', async () => {
    const token = await kit.mint();
    await rejectsInvalidToken(kit.verifier.verify(tamperSignature(token)), 'invalid signature');
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...kit.baseClaims(), sub: 'admin' })).toString('base64url');
    await rejectsInvalidToken(kit.verifier.verify(`${h}.${forged}.${s}`), 'invalid signature');
  });

  it('RS-4: signed by a key that is not in the JWKS (unknown kid)', async () => {
    const other = await makeTokenKit();
    try {
      await rejectsInvalidToken(kit.verifier.verify(await other.mint()), 'unknown signing key');
    } finally {
      await other.close();
    }
  });

  it('RS-4: a key embedded in the header (jwk, jku) is ignored: only the issuer JWKS counts', async () => {
    const other = await makeTokenKit();
    try {
      const attackerJwk = other.keys.jwks().keys[0]!;
      const token = await other.mint({}, { kid: kit.keys.signingKey().kid, jwk: { kty: attackerJwk.kty, crv: attackerJwk.crv, x: attackerJwk.x, y: attackerJwk.y }, jku: 'http://127.0.0.1:1/jwks' } as never);
      await rejectsInvalidToken(kit.verifier.verify(token), 'invalid signature');
    } finally {
      await other.close();
    }
  });

  it('RS-4: signed by another key under a known kid', async () => {
    const other = await makeTokenKit();
    try {
      const token = await other.mint({}, { kid: kit.keys.signingKey().kid });
      await rejectsInvalidToken(kit.verifier.verify(token), 'invalid signature');
    } finally {
      await other.close();
    }
  });

  it.each(['sub', 'client_id', 'exp', 'iat', 'jti', 'aud', 'iss'])('RFC 9068 §2.2: missing %s claim', async (claim) => {
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ [claim]: undefined })), `missing ${claim} claim`);
  });

  it.each([
    ['sub', 42],
    ['client_id', ''],
    ['jti', ['a']],
    ['scope', ['read']],
    ['grant_id', 7],
  ])('RFC 9068 §2.2: %s of the wrong type (%j)', async (claim, value) => {
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint({ [claim]: value })), `invalid ${claim} claim`);
  });

  it('an unreachable JWKS is an invalid_token, never a 500', async () => {
    kit.fetchJwks.mockRejectedValueOnce(new TypeError('fetch failed'));
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint()), 'token signing keys unavailable');
  });

  it('a JWKS document that is not a key set is an invalid_token', async () => {
    kit.fetchJwks.mockResolvedValueOnce({ keys: 'nope' } as never);
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint()), 'token signing keys unavailable');
  });
});

describe('JwtVerifier: the verified-token cache', () => {
  it('a repeated token skips signature work: one key lookup, one JWKS fetch for ten verifications', async () => {
    const token = await kit.mint();
    for (let i = 0; i < 10; i++) await kit.verifier.verify(token);
    expect(kit.getKey).toHaveBeenCalledTimes(1);
    expect(kit.fetchJwks).toHaveBeenCalledTimes(1);
  });

  it('a burst of concurrent requests with one new token verifies its signature once', async () => {
    const token = await kit.mint();
    const results = await Promise.all(Array.from({ length: 10 }, () => kit.verifier.verify(token)));
    expect(results.every((r) => r.subject === 'user-1')).toBe(true);
    expect(kit.getKey).toHaveBeenCalledTimes(1);
  });

  it('a cached token stops being accepted once it expires (exp plus skew)', async () => {
    const token = await kit.mint({ exp: kit.clock() + 60 });
    await kit.verifier.verify(token);
    kit.clock.advance(60 + 29);
    await expect(kit.verifier.verify(token)).resolves.toBeDefined();
    kit.clock.advance(1);
    await rejectsInvalidToken(kit.verifier.verify(token), 'token expired');
  });

  it('a refused token is not cached: every attempt is checked again', async () => {
    const token = tamperSignature(await kit.mint());
    await rejectsInvalidToken(kit.verifier.verify(token), 'invalid signature');
    await rejectsInvalidToken(kit.verifier.verify(token), 'invalid signature');
    expect(kit.getKey).toHaveBeenCalledTimes(2);
  });

  it('the isRevoked hook is consulted on every request, cached or not; its failure refuses the token', async () => {
    const revoked = new Set<string>();
    const isRevoked = vi.fn(async (jti: string) => revoked.has(jti));
    const verifier = new JwtVerifier({ issuer: kit.issuer, audiences: [kit.resources.mcp], clock: kit.clock, keys: kit.jwks, isRevoked });
    const token = await kit.mint({ jti: 'jti-7' });
    await verifier.verify(token);
    revoked.add('jti-7');
    await rejectsInvalidToken(verifier.verify(token), 'token revoked');
    expect(isRevoked).toHaveBeenCalledTimes(2);
    expect(isRevoked).toHaveBeenLastCalledWith('jti-7', expect.objectContaining({ jti: 'jti-7', subject: 'user-1' }));
    isRevoked.mockRejectedValueOnce(new Error('db down'));
    await rejectsInvalidToken(verifier.verify(await kit.mint()), 'token status could not be checked');
  });

  it('verifyNow: a cached token with a known revocation answer comes back at once (no promise); anything else as verify', async () => {
    const revoked = new Set<string>();
    let later = false;
    const isRevoked = vi.fn((jti: string) => (later ? Promise.resolve(revoked.has(jti)) : revoked.has(jti)));
    const verifier = new JwtVerifier({ issuer: kit.issuer, audiences: [kit.resources.mcp], clock: kit.clock, keys: kit.jwks, isRevoked });
    const token = await kit.mint({ jti: 'jti-8' });
    // Not cached yet: a promise, as verify's.
    const first = verifier.verifyNow(token);
    expect(first).toBeInstanceOf(Promise);
    expect((await first).jti).toBe('jti-8');
    const cached = verifier.verifyNow(token);
    expect(cached).not.toBeInstanceOf(Promise);
    expect((cached as VerifiedToken).subject).toBe('user-1');
    // Revoked: thrown at once when the answer is known at once, rejected when it comes later.
    revoked.add('jti-8');
    expect(() => verifier.verifyNow(token)).toThrow(OAuthError);
    await rejectsInvalidToken(verifier.verify(token), 'token revoked');
    later = true;
    await rejectsInvalidToken(verifier.verifyNow(token) as Promise<VerifiedToken>, 'token revoked');
    isRevoked.mockImplementationOnce(() => {
      throw new Error('db down');
    });
    expect(() => verifier.verifyNow(token)).toThrow('token status could not be checked');
    // Expired in the cache: checked again, and refused.
    kit.clock.advance(3600 + 31);
    await rejectsInvalidToken(Promise.resolve().then(() => verifier.verifyNow(token)), 'token expired');
  });

  it('is bounded: at capacity the oldest entry is evicted', () => {
    const cache = new TtlCache<string, VerifiedToken>({ maxEntries: 3, now: () => 1000, sweepEvery: 60 });
    const entry = (t: string): VerifiedToken => ({ token: t, subject: 's', clientId: 'c', scopes: [], audience: 'a', expiresAt: 2000, issuedAt: 1000, jti: t });
    for (const t of ['t1', 't2', 't3', 't4']) cache.setUntil(t, entry(t), entry(t).expiresAt + 30);
    expect(cache.size).toBe(3);
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t4')?.jti).toBe('t4');
  });

  it('is bounded: at capacity expired entries are swept before anything live is evicted', () => {
    let now = 1000;
    const cache = new TtlCache<string, VerifiedToken>({ maxEntries: 3, now: () => now, sweepEvery: 60 });
    const entry = (t: string, exp: number): VerifiedToken => ({ token: t, subject: 's', clientId: 'c', scopes: [], audience: 'a', expiresAt: exp, issuedAt: 0, jti: t });
    cache.setUntil('live', entry('live', 5000), 5000);
    cache.setUntil('old1', entry('old1', 1500), 1500);
    cache.setUntil('old2', entry('old2', 1500), 1500);
    now = 2000;
    cache.setUntil('new', entry('new', 5000), 5000);
    expect(cache.size).toBe(2);
    expect(cache.get('live')?.jti).toBe('live');
  });
});

describe('JwksCache: fetched once, refetched on an unknown kid at a bounded rate', () => {
  it('a rotated key is picked up by one refetch once the 30 s cooldown has passed, not before', async () => {
    await kit.verifier.verify(await kit.mint());
    expect(kit.fetchJwks).toHaveBeenCalledTimes(1);
    await kit.keys.rotate();
    const rotated = await kit.mint();
    // Within the cooldown an unknown kid does not refetch: forged kids cannot make us hammer the issuer.
    kit.clock.advance(29);
    await rejectsInvalidToken(kit.verifier.verify(rotated), 'unknown signing key');
    expect(kit.fetchJwks).toHaveBeenCalledTimes(1);
    kit.clock.advance(1);
    await expect(kit.verifier.verify(rotated)).resolves.toBeDefined();
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('a flood of unknown kids after the cooldown costs one refetch per cooldown window', async () => {
    await kit.verifier.verify(await kit.mint());
    kit.clock.advance(31);
    const forged = await Promise.all(Array.from({ length: 20 }, (_, i) => kit.mint({}, { kid: `forged-${i}` })));
    const results = await Promise.allSettled(forged.map((t) => kit.verifier.verify(t)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
    kit.clock.advance(10);
    await rejectsInvalidToken(kit.verifier.verify(forged[0]!), 'unknown signing key');
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('concurrent first requests share one fetch', async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => kit.mint()));
    await Promise.all(tokens.map((t) => kit.verifier.verify(t)));
    expect(kit.fetchJwks).toHaveBeenCalledTimes(1);
  });

  it('after a failed fetch, retries wait 5 s instead of hitting the issuer on every request', async () => {
    kit.fetchJwks.mockRejectedValueOnce(new Error('connection refused'));
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint()), 'token signing keys unavailable');
    await rejectsInvalidToken(kit.verifier.verify(await kit.mint()), 'token signing keys unavailable');
    expect(kit.fetchJwks).toHaveBeenCalledTimes(1);
    kit.clock.advance(5);
    await expect(kit.verifier.verify(await kit.mint())).resolves.toBeDefined();
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('a set older than 10 minutes is refetched on use; if that fails, the stale set keeps working', async () => {
    await kit.verifier.verify(await kit.mint());
    kit.clock.advance(600);
    kit.fetchJwks.mockRejectedValueOnce(new Error('issuer restarting'));
    await expect(kit.verifier.verify(await kit.mint())).resolves.toBeDefined();
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('the default source fetches <issuer>/.well-known/jwks.json over HTTP once and caches it', async () => {
    const server = await serveJwks(() => kit.keys.jwks());
    try {
      const verifier = new JwtVerifier({ issuer: server.issuer, audiences: [kit.resources.mcp], clock: kit.clock });
      for (let i = 0; i < 3; i++) await verifier.verify(await kit.mint({ iss: server.issuer }));
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('cooldown is configurable', async () => {
    const jwks = new JwksCache({ fetchJwks: kit.fetchJwks, clock: kit.clock, cooldownSeconds: 0 });
    const verifier = new JwtVerifier({ issuer: kit.issuer, audiences: [kit.resources.mcp], clock: kit.clock, keys: jwks });
    await verifier.verify(await kit.mint());
    await kit.keys.rotate();
    await expect(verifier.verify(await kit.mint())).resolves.toBeDefined();
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
  });
});

describe('JwtVerifier with the store-backed revocation check', () => {
  it('AS-13: a token whose grant was revoked is refused even while cached', async () => {
    const { revocationCheck } = await import('../../src/resource-server/revocation-check.js');
    const grants = new Map<string, { revokedAt: number | null }>([['g-1', { revokedAt: null }]]);
    let ms = 0;
    const isRevoked = revocationCheck(
      { isAccessTokenRevoked: async () => false, getGrant: async (id) => grants.get(id) },
      { now: () => ms, ttlMs: 5000 },
    );
    const verifier = new JwtVerifier({ issuer: kit.issuer, audiences: [kit.resources.mcp], clock: kit.clock, keys: kit.jwks, isRevoked });
    const token = await kit.mint({ grant_id: 'g-1' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ grantId: 'g-1' });
    grants.set('g-1', { revokedAt: 1 });
    ms += 5000;
    await rejectsInvalidToken(verifier.verify(token), 'token revoked');
  });
});
