import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBearer, type BearerOptions, type BearerRequest } from '../../src/resource-server/bearer.js';
import type { Challenge } from '../../src/resource-server/challenge.js';
import type { VerifiedToken } from '../../src/resource-server/types.js';
import { makeTokenKit, type TokenKit } from '../helpers/resource-server.js';

/**
 * checkBearer answers at once (no promise) when the verifier has the token at once (TokenVerifier.verifyNow: a
 * cached token) and no DPoP proof is to be checked, so a direct read answers in the turn its request arrived in
 * (mcp/direct-reads.ts). Its answers are the same either way.
 */
let kit: TokenKit;
beforeEach(async () => {
  kit = await makeTokenKit();
});
afterEach(async () => {
  await kit.close();
});

const request = (token: string): BearerRequest => ({ method: 'GET', pathname: '/api/data', tokenInQuery: false, authorization: `Bearer ${token}`, dpop: undefined });

describe('checkBearer: at once for a cached token', () => {
  it('a first request waits for the verifier; a repeated one is answered at once, with the same token', async () => {
    const opts: BearerOptions = { verifier: kit.verifier, resource: kit.resources.mcp, resourceMetadataUrl: 'https://rs.example/.well-known/oauth-protected-resource', requiredScopes: ['read'] };
    const token = await kit.mint({ scope: 'read write' });
    const first = checkBearer(request(token), opts);
    expect(first).toBeInstanceOf(Promise);
    const verified = (await first) as VerifiedToken;
    const again = checkBearer(request(token), opts);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toEqual(verified);
  });

  it('the refusals of a verified token are the same at once: a missing scope (RS-6), another audience (RS-5)', async () => {
    const base = { verifier: kit.verifier, resourceMetadataUrl: 'https://rs.example/.well-known/oauth-protected-resource' };
    const token = await kit.mint({ scope: 'read' });
    const write: BearerOptions = { ...base, resource: kit.resources.mcp, requiredScopes: ['write'] };
    const later = (await checkBearer(request(token), write)) as Challenge;
    const now = checkBearer(request(token), write);
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toEqual(later);
    expect(later.status).toBe(403);
    const elsewhere = checkBearer(request(token), { ...base, resource: 'https://other.example/mcp', requiredScopes: ['read'] }) as Challenge;
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body).toMatchObject({ error: 'invalid_token', error_description: 'token not issued for this resource' });
  });

  it('a verifier without verifyNow is awaited as before', async () => {
    const verifier = { verify: (t: string) => kit.verifier.verify(t) };
    const opts: BearerOptions = { verifier, resource: kit.resources.mcp, resourceMetadataUrl: 'https://rs.example/.well-known/oauth-protected-resource', requiredScopes: ['read'] };
    const token = await kit.mint({ scope: 'read' });
    await checkBearer(request(token), opts);
    const again = checkBearer(request(token), opts);
    expect(again).toBeInstanceOf(Promise);
    expect(((await again) as VerifiedToken).subject).toBe('user-1');
  });
});
