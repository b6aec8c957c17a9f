import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { DpopNonces } from '../../src/oauth/dpop-nonce.js';
import { DpopKeyCache } from '../../src/oauth/dpop-keys.js';
import { verifyDpopProof, type DpopProofCheck } from '../../src/oauth/dpop-proof.js';
import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';
import { dpopKey } from '../helpers/dpop.js';

const HTU = 'https://as.example/oauth/token';

// Every check holds the same with and without the cache of imported proof keys (oauth/dpop-keys.ts).
describe.each([['without a key cache', false], ['with a key cache', true]])('DPoP proof checks (RFC 9449 §4.3), %s', (_name, cached) => {
  const setup = async (alg: 'ES256' | 'EdDSA' = 'ES256') => {
    const clock = fixedClock();
    const key = await dpopKey(alg);
    // One cache across a test's proofs, so later proofs of a key take the cached path.
    const keys = cached ? new DpopKeyCache(clock) : undefined;
    const check = (over: Partial<DpopProofCheck> = {}): DpopProofCheck => ({ htm: 'POST', htu: HTU, now: clock(), replay: new MemoryReplayCache(clock), ...(keys && { keys }), ...over });
    return { clock, key, check };
  };

  it('accepts ES256 and EdDSA proofs and returns the RFC 7638 thumbprint of the key', async () => {
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const { clock, key, check } = await setup(alg);
      const proof = await key.proof('POST', `${HTU}?x=1`, { iat: clock() });
      const result = await verifyDpopProof(proof, check());
      expect(result.jkt).toBe(await calculateJwkThumbprint(key.jwk));
    }
  });

  it('refuses a replayed proof (same jti) with the same cache', async () => {
    const { clock, key, check } = await setup();
    const proof = await key.proof('POST', HTU, { iat: clock() });
    const c = check();
    await verifyDpopProof(proof, c);
    await expect(verifyDpopProof(proof, c)).rejects.toMatchObject({ code: 'invalid_dpop_proof', description: expect.stringContaining('already used') });
  });

  it('refuses a proof for another method or URL', async () => {
    const { clock, key, check } = await setup();
    await expect(verifyDpopProof(await key.proof('GET', HTU, { iat: clock() }), check())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
    await expect(verifyDpopProof(await key.proof('POST', 'https://as.example/other', { iat: clock() }), check())).rejects.toMatchObject({
      description: expect.stringContaining('htu'),
    });
  });

  it('compares htu after URL normalisation (RFC 9449 §4.3 check 9), and refuses one that is not a URL', async () => {
    const { clock, key, check } = await setup();
    for (const htu of [HTU, 'HTTPS://AS.EXAMPLE/oauth/token', 'https://as.example:443/oauth/token#f', `${HTU}?a=1`]) {
      await verifyDpopProof(await key.proof('POST', htu, { iat: clock() }), check());
    }
    for (const htu of ['https://as.example/oauth/token/', 'http://as.example/oauth/token', 'not a url', '']) {
      await expect(verifyDpopProof(await key.proof('POST', htu, { iat: clock() }), check())).rejects.toMatchObject({ description: expect.stringContaining('htu') });
    }
    // The request's own URL is normalised too.
    await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check({ htu: 'https://AS.example:443/oauth/token' }));
    await expect(verifyDpopProof(await key.proof('POST', 'x', { iat: clock() }), check({ htu: 'x' }))).rejects.toMatchObject({ description: expect.stringContaining('htu') });
  });

  it('matches an htu sent exactly as the server built the URL without a parse, and every other spelling after one', async () => {
    const { clock, key, check } = await setup();
    // The same characters as the request's URL: a match when they are a URL, in normal form or not.
    const spelled = 'HTTPS://AS.example:443/oauth/token';
    await verifyDpopProof(await key.proof('POST', spelled, { iat: clock() }), check({ htu: spelled }));
    // Another spelling of it still goes through normalisation, both ways.
    await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check({ htu: spelled }));
    await verifyDpopProof(await key.proof('POST', spelled, { iat: clock() }), check());
    // Equal strings that are not a URL, and a near miss, are refused.
    for (const [sent, built] of [['https://', 'https://'], ['/oauth/token', '/oauth/token'], [`${HTU}x`, HTU]]) {
      await expect(verifyDpopProof(await key.proof('POST', sent!, { iat: clock() }), check({ htu: built! }))).rejects.toMatchObject({ description: expect.stringContaining('htu') });
    }
  });

  it('refuses a proof outside the iat window, a wrong typ, a missing header and a private key in jwk', async () => {
    const { clock, key, check } = await setup();
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock() - 61 }), check())).rejects.toMatchObject({ description: expect.stringContaining('too old') });
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock() + 30 }), check())).rejects.toMatchObject({ description: expect.stringContaining('future') });
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), typ: 'JWT' }), check())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
    await expect(verifyDpopProof(undefined, check())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
    const two = await key.proof('POST', HTU, { iat: clock() });
    await expect(verifyDpopProof(`${two}, ${two}`, check())).rejects.toMatchObject({ description: expect.stringContaining('exactly one') });
    // RFC 9449 §4.3 check 6: the jwk header must be a public key.
    const privateJwk = await exportJWK(key.privateKey);
    const withPrivate = await new SignJWT({ htm: 'POST', htu: HTU, jti: 'p' }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk }).setIssuedAt(clock()).sign(key.privateKey);
    await expect(verifyDpopProof(withPrivate, check())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
  });

  it('refuses a proof signed by another key than its jwk', async () => {
    const { clock, key, check } = await setup();
    const other = await dpopKey();
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), key: other.privateKey }), check())).rejects.toMatchObject({
      description: expect.stringContaining('signature'),
    });
  });

  it('checks ath against the presented access token', async () => {
    const { clock, key, check } = await setup();
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check({ accessToken: 'at' }))).rejects.toMatchObject({ description: expect.stringContaining('ath') });
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), accessToken: 'other' }), check({ accessToken: 'at' }))).rejects.toMatchObject({
      description: expect.stringContaining('another access token'),
    });
    await verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), accessToken: 'at' }), check({ accessToken: 'at' }));
  });

  it('checks ath against the token hash the caller holds (VerifiedToken.dpopAth) the same way', async () => {
    const { clock, key, check } = await setup();
    const held = { accessToken: 'at', accessTokenHash: sha256('at') };
    await verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), accessToken: 'at' }), check(held));
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check(held))).rejects.toMatchObject({ description: expect.stringContaining('ath') });
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), accessToken: 'other' }), check(held))).rejects.toMatchObject({
      description: expect.stringContaining('another access token'),
    });
  });

  it('asks for a nonce with use_dpop_nonce and a DPoP-Nonce header, accepts the fresh one, refuses it two windows later', async () => {
    const { clock, key, check } = await setup();
    const nonces = new DpopNonces(Buffer.alloc(32, 1), clock);
    const err = await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check({ nonces })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'use_dpop_nonce', headers: { 'DPoP-Nonce': nonces.current() } });
    await verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), nonce: nonces.current() }), check({ nonces }));
    const old = nonces.current();
    clock.advance(121);
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), nonce: old }), check({ nonces, now: clock() }))).rejects.toMatchObject({ code: 'use_dpop_nonce' });
    // Another key's nonces (the resource server's) are not accepted here.
    const rs = new DpopNonces(Buffer.alloc(32, 2), clock);
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), nonce: rs.current() }), check({ nonces, now: clock() }))).rejects.toMatchObject({ code: 'use_dpop_nonce' });
  });
});

describe('the cache of DPoP proof keys (oauth/dpop-keys.ts)', () => {
  const setup = async () => {
    const clock = fixedClock();
    const keys = new DpopKeyCache(clock, { maxEntries: 2, ttlSeconds: 600 });
    const check = (over: Partial<DpopProofCheck> = {}): DpopProofCheck => ({ htm: 'POST', htu: HTU, now: clock(), replay: new MemoryReplayCache(clock), keys, ...over });
    return { clock, keys, check };
  };

  it('imports a key once: later proofs of that key verify from the cache with the same thumbprint', async () => {
    const { clock, keys, check } = await setup();
    const key = await dpopKey();
    const c = check();
    const first = await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), c);
    expect(keys.size).toBe(1);
    const second = await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), c);
    expect(second.jkt).toBe(first.jkt);
    expect(second.jkt).toBe(await calculateJwkThumbprint(key.jwk));
    expect(keys.size).toBe(1);
  });

  it('a cached jwk does not make a proof signed by another key pass (RFC 9449 §4.3 check 6)', async () => {
    const { clock, keys, check } = await setup();
    const key = await dpopKey();
    const other = await dpopKey();
    await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check());
    expect(keys.size).toBe(1);
    await expect(verifyDpopProof(await key.proof('POST', HTU, { iat: clock(), key: other.privateKey }), check())).rejects.toMatchObject({
      description: expect.stringContaining('signature'),
    });
  });

  it('a jwk carrying the private key is refused even when its public part is cached', async () => {
    const { clock, check } = await setup();
    const key = await dpopKey();
    await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check());
    const privateJwk = await exportJWK(key.privateKey);
    const withPrivate = await new SignJWT({ htm: 'POST', htu: HTU, jti: 'p' }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk }).setIssuedAt(clock()).sign(key.privateKey);
    await expect(verifyDpopProof(withPrivate, check())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
  });

  it('keeps nothing from refused proofs, is bounded, and forgets a key after its lifetime', async () => {
    const { clock, keys, check } = await setup();
    const [a, b, c] = [await dpopKey(), await dpopKey(), await dpopKey()];
    await expect(verifyDpopProof(await a.proof('POST', 'https://as.example/other', { iat: clock() }), check())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
    await expect(verifyDpopProof(await a.proof('POST', HTU, { iat: clock(), key: b.privateKey }), check())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
    expect(keys.size).toBe(0);
    for (const k of [a, b, c]) await verifyDpopProof(await k.proof('POST', HTU, { iat: clock() }), check());
    expect(keys.size).toBe(2);
    clock.advance(601);
    // Expired entries read as absent; the key is imported again and the proof still verifies.
    const again = await verifyDpopProof(await a.proof('POST', HTU, { iat: clock() }), check({ now: clock() }));
    expect(again.jkt).toBe(await calculateJwkThumbprint(a.jwk));
  });
});
