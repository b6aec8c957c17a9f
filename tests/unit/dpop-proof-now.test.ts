import { calculateJwkThumbprint, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { DpopKeyCache } from '../../src/oauth/dpop-keys.js';
import { verifyDpopProof, verifyDpopProofNow, type DpopProofCheck } from '../../src/oauth/dpop-proof.js';
import { MemoryReplayCache, type ReplayCache } from '../../src/oauth/replay-cache.js';
import { checkBearer, type BearerOptions, type BearerRequest } from '../../src/resource-server/bearer.js';
import type { Challenge } from '../../src/resource-server/challenge.js';
import type { VerifiedToken } from '../../src/resource-server/types.js';
import { dpopKey } from '../helpers/dpop.js';
import { makeTokenKit, type TokenKit } from '../helpers/resource-server.js';

/**
 * The resource server's hot path for DPoP (bench/HISTORY.md, round 2, sixth pass, the DPoP proof check): proof
 * headers kept by their segment as sent (oauth/dpop-keys.ts knownHeader), and an answer at once when the replay
 * cache is this process's (ReplayCache.claimNow). Neither may change an answer.
 */
const HTU = 'https://rs.example/mcp/v1';
const headerSegment = (proof: string) => proof.slice(0, proof.indexOf('.'));
/** A replay cache that answers only through promises, as the shared ones (http/shared-replay-cache.ts) do. */
const promisedReplay = (clock: () => number): ReplayCache => {
  const memory = new MemoryReplayCache(clock);
  return { claim: (key, expiresAt) => memory.claim(key, expiresAt), close: () => memory.close() };
};

describe('proof headers kept by their segment (oauth/dpop-keys.ts knownHeader)', () => {
  const setup = async () => {
    const clock = fixedClock();
    const keys = new DpopKeyCache(clock, { maxEntries: 2, ttlSeconds: 600 });
    const replay = new MemoryReplayCache(clock);
    const check = (over: Partial<DpopProofCheck> = {}): DpopProofCheck => ({ htm: 'POST', htu: HTU, now: clock(), replay, keys, ...over });
    return { clock, keys, check };
  };

  it('keeps a header only once a proof with it passed every check, with the key it named', async () => {
    const { clock, keys, check } = await setup();
    const key = await dpopKey();
    const refused = await key.proof('POST', 'https://rs.example/other', { iat: clock() });
    await expect(verifyDpopProof(refused, check())).rejects.toMatchObject({ description: expect.stringContaining('htu') });
    expect(keys.knownHeader(headerSegment(refused))).toBeUndefined();
    const accepted = await key.proof('POST', HTU, { iat: clock() });
    const first = await verifyDpopProof(accepted, check());
    const known = keys.knownHeader(headerSegment(accepted));
    expect(known?.key.jkt).toBe(first.jkt);
    expect(known?.header.jwk).toEqual(key.jwk);
  });

  it('a known header does not let through what the claims or the signature refuse', async () => {
    const { clock, check } = await setup();
    const key = await dpopKey();
    const other = await dpopKey();
    const accepted = await key.proof('POST', HTU, { iat: clock() });
    await verifyDpopProof(accepted, check());
    // The same header segment with each other part of the proof wrong.
    const wrong = [
      [await key.proof('POST', HTU, { iat: clock(), key: other.privateKey }), 'signature'],
      [await key.proof('POST', 'https://rs.example/mcp/v2', { iat: clock() }), 'htu'],
      [await key.proof('GET', HTU, { iat: clock() }), 'GET'],
      [await key.proof('POST', HTU, { iat: clock() - 61 }), 'too old'],
      [await key.proof('POST', HTU, { iat: clock(), accessToken: 'another' }), 'ath'],
      [accepted, 'already used'],
    ] as const;
    for (const [proof, why] of wrong) {
      expect(headerSegment(proof)).toBe(headerSegment(accepted));
      await expect(verifyDpopProof(proof, check({ ...(why === 'ath' && { accessToken: 'the token' }) }))).rejects.toMatchObject({
        code: 'invalid_dpop_proof',
        description: expect.stringContaining(why),
      });
    }
  });

  it('another header segment of the same key is checked in full, and gives the same thumbprint', async () => {
    const { clock, keys, check } = await setup();
    const key = await dpopKey();
    const first = await verifyDpopProof(await key.proof('POST', HTU, { iat: clock() }), check());
    // The jwk's members in another order: another segment, the same key (RFC 7638: the same thumbprint).
    const reordered = { y: key.jwk.y, x: key.jwk.x, crv: key.jwk.crv, kty: key.jwk.kty };
    const sign = (typ: string) =>
      new SignJWT({ htm: 'POST', htu: HTU, jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'ES256', typ, jwk: reordered }).setIssuedAt(clock()).sign(key.privateKey);
    const proof = await sign('dpop+jwt');
    const second = await verifyDpopProof(proof, check());
    expect(second.jkt).toBe(first.jkt);
    expect(second.jkt).toBe(await calculateJwkThumbprint(key.jwk));
    expect(keys.knownHeader(headerSegment(proof))).toBeDefined();
    // resolve's cache is keyed by the jwk as sent, as before: the reordered jwk is a second entry.
    expect(keys.size).toBe(2);
    // A header that differs only in typ is another segment, and its typ is checked (RFC 9449 §4.3 check 4).
    await expect(verifyDpopProof(await sign('JWT'), check())).rejects.toMatchObject({ description: expect.stringContaining('typ') });
  });

  it('is bounded and forgets a header after its lifetime', async () => {
    const { clock, keys, check } = await setup();
    const [a, b, c] = [await dpopKey(), await dpopKey(), await dpopKey()];
    const proofs = [await a.proof('POST', HTU, { iat: clock() }), await b.proof('POST', HTU, { iat: clock() }), await c.proof('POST', HTU, { iat: clock() })];
    for (const proof of proofs) await verifyDpopProof(proof, check());
    expect(proofs.map((p) => keys.knownHeader(headerSegment(p)) !== undefined)).toEqual([false, true, true]);
    clock.advance(601);
    expect(keys.knownHeader(headerSegment(proofs[2]!))).toBeUndefined();
    const again = await verifyDpopProof(await c.proof('POST', HTU, { iat: clock() }), check({ now: clock() }));
    expect(again.jkt).toBe(await calculateJwkThumbprint(c.jwk));
  });
});

describe('verifyDpopProofNow: at once with a replay cache in this process', () => {
  it('answers without a promise with MemoryReplayCache, and throws its refusals; through a promise otherwise, with the same answers', async () => {
    const clock = fixedClock();
    const key = await dpopKey();
    for (const replay of [new MemoryReplayCache(clock), promisedReplay(clock)]) {
      const now = replay instanceof MemoryReplayCache;
      const check: DpopProofCheck = { htm: 'POST', htu: HTU, now: clock(), replay, keys: new DpopKeyCache(clock) };
      const proof = await key.proof('POST', HTU, { iat: clock() });
      const answer = verifyDpopProofNow(proof, check);
      expect(answer instanceof Promise).toBe(!now);
      expect((await answer).jkt).toBe(await calculateJwkThumbprint(key.jwk));
      // A replay: refused by the replay cache, thrown at once or rejected.
      const replayed = (() => {
        try {
          return verifyDpopProofNow(proof, check);
        } catch (err) {
          return { thrown: err };
        }
      })();
      if (now) expect(replayed).toMatchObject({ thrown: { code: 'invalid_dpop_proof', description: expect.stringContaining('already used') } });
      else await expect(replayed).rejects.toMatchObject({ code: 'invalid_dpop_proof', description: expect.stringContaining('already used') });
    }
  });
});

describe('checkBearer with DPoP: at once for a cached token and a replay cache in this process', () => {
  let kit: TokenKit;
  beforeEach(async () => {
    kit = await makeTokenKit();
  });
  afterEach(async () => {
    await kit.close();
  });

  it('answers a DPoP request at once with MemoryReplayCache, through a promise otherwise, the same way', async () => {
    const key = await dpopKey();
    const jkt = await calculateJwkThumbprint(key.jwk);
    const token = await kit.mint({ scope: 'read', cnf: { jkt } });
    const request = async (proof: Partial<Parameters<typeof key.proof>[2]> = {}): Promise<BearerRequest> => ({
      method: 'POST',
      pathname: '/mcp/v1',
      tokenInQuery: false,
      authorization: `DPoP ${token}`,
      dpop: await key.proof('POST', `${kit.config.mcpServer.url}/mcp/v1`, { iat: kit.clock(), accessToken: token, ...proof }),
    });
    const answers = [];
    for (const replay of [new MemoryReplayCache(kit.clock), promisedReplay(kit.clock)]) {
      const opts: BearerOptions = {
        verifier: kit.verifier,
        resource: kit.resources.mcp,
        resourceMetadataUrl: 'https://rs.example/.well-known/oauth-protected-resource',
        requiredScopes: ['read'],
        dpop: { replay, clock: kit.clock, publicUrl: kit.config.mcpServer.url, keys: new DpopKeyCache(kit.clock) },
      };
      // The first request waits for the verifier; later ones find the token cached.
      expect(((await checkBearer(await request(), opts)) as VerifiedToken).dpopJkt).toBe(jkt);
      const accepted = checkBearer(await request(), opts);
      expect(accepted instanceof Promise).toBe(!(replay instanceof MemoryReplayCache));
      // Refused before the replay cache is asked: at once with either.
      const wrongAth = checkBearer(await request({ accessToken: 'another' }), opts);
      expect(wrongAth).not.toBeInstanceOf(Promise);
      answers.push([((await accepted) as VerifiedToken).dpopJkt, (await wrongAth) as Challenge]);
    }
    expect(answers[0]).toEqual(answers[1]);
    const [, refused] = answers[0]! as [string, Challenge];
    expect(refused.status).toBe(401);
    expect(refused.wwwAuthenticate).toContain('error="invalid_dpop_proof"');
  });
});
