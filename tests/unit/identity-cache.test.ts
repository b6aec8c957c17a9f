import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdentityCache } from '../../src/gateway/identity-cache.js';
import { encodedJwsHeader } from '../../src/keys/jws.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = { issuer: 'https://as.example', signingKey: () => ({ kid: 'k1', alg: 'ES256', createdAt: 0, privateKey, jwsHeader: (typ: string) => encodedJwsHeader({ alg: 'ES256', typ, kid: 'k1' }) }) };
const alice = { subject: 'alice', clientId: 'c1', scopes: ['read'], expiresAt: 0, issuedAt: 0 };
const jwtOf = (h: Record<string, string>) => h['authorization']!.replace(/^Bearer /, '');

describe('IdentityCache: one identity JWT per caller for 3/4 of its life', () => {
  it('reuses the JWT for 45 s of a 60 s life, then signs a fresh one; another scope set or user gets its own', () => {
    let now = 1_000_000;
    const cache = new IdentityCache('http://up.example/mcp', { jwt: true, headers: false, ttlSeconds: 60 }, signer, () => now);
    const first = jwtOf(cache.headersFor(alice));
    expect(decodeJwt(first)).toMatchObject({ sub: 'alice', client_id: 'c1', scope: 'read', aud: 'http://up.example/mcp', iat: now, exp: now + 60 });
    now += 44;
    expect(jwtOf(cache.headersFor(alice))).toBe(first);
    expect(jwtOf(cache.headersFor({ ...alice, scopes: ['read', 'write'] }))).not.toBe(first);
    expect(decodeJwt(jwtOf(cache.headersFor({ ...alice, subject: 'bob' })))['sub']).toBe('bob');
    now += 1;
    const second = jwtOf(cache.headersFor(alice));
    expect(second).not.toBe(first);
    // Still 15 s of life left when it stops being sent.
    expect(decodeJwt(second)).toMatchObject({ iat: now, exp: now + 60 });
  });
});
